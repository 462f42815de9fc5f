/// Why a controller operation failed. Case names follow Kafka's `Errors` enum
/// (`TOPIC_ALREADY_EXISTS` → `topicAlreadyExists`); the message is the text Kafka's
/// controller puts in the response's error message where it has one. `kafkaCode` is for
/// the KafkaServer handlers only.
public enum ControllerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// UNKNOWN_TOPIC_OR_PARTITION (3).
    case unknownTopicOrPartition(String)
    /// NOT_LEADER_OR_FOLLOWER (6): AlterPartition from a broker that is not the leader.
    case notLeaderOrFollower(String)
    /// INVALID_TOPIC_EXCEPTION (17): a name breaking `Topic.validate`, or colliding with
    /// an existing topic once '.' and '_' are treated alike.
    case invalidTopic(String)
    /// TOPIC_ALREADY_EXISTS (36).
    case topicAlreadyExists(String)
    /// INVALID_PARTITIONS (37).
    case invalidPartitions(String)
    /// INVALID_REPLICATION_FACTOR (38): not positive, or more than the live brokers.
    case invalidReplicationFactor(String)
    /// INVALID_REPLICA_ASSIGNMENT (39): a manual assignment that is not consecutive, has
    /// duplicates, unknown brokers, uneven replication factors, or only fenced brokers.
    case invalidReplicaAssignment(String)
    /// INVALID_CONFIG (40): an unknown config name or a value `LogConfig` refuses.
    case invalidConfig(String)
    /// INVALID_REQUEST (42): a malformed request (duplicate names, a non-replica in an ISR).
    case invalidRequest(String)
    /// POLICY_VIOLATION (44): deleting or repartitioning an internal topic.
    case policyViolation(String)
    /// FENCED_LEADER_EPOCH (74): the request's leader epoch is older than the partition's.
    case fencedLeaderEpoch(String)
    /// STALE_BROKER_EPOCH (77): the request comes from an older incarnation of the broker.
    case staleBrokerEpoch(String)
    /// INVALID_UPDATE_VERSION (95): AlterPartition names a stale partition epoch (KIP-497).
    case invalidUpdateVersion(String)
    /// BROKER_ID_NOT_REGISTERED (102): heartbeat or request from an unknown broker.
    case brokerIdNotRegistered(Int32)
    /// INELIGIBLE_REPLICA (107): AlterPartition adds a fenced or shutting-down broker (KIP-841).
    case ineligibleReplica(String)
    /// The metadata log could not be written (UNKNOWN_SERVER_ERROR, -1, on the wire).
    case storage(String)
    /// The metadata log holds something replay cannot apply; the controller does not start.
    case corruptMetadataLog(String)
    /// The controller was closed.
    case closed

    public var kafkaCode: Int16 {
        switch self {
        case .unknownTopicOrPartition: return 3
        case .notLeaderOrFollower: return 6
        case .invalidTopic: return 17
        case .topicAlreadyExists: return 36
        case .invalidPartitions: return 37
        case .invalidReplicationFactor: return 38
        case .invalidReplicaAssignment: return 39
        case .invalidConfig: return 40
        case .invalidRequest: return 42
        case .policyViolation: return 44
        case .fencedLeaderEpoch: return 74
        case .staleBrokerEpoch: return 77
        case .invalidUpdateVersion: return 95
        case .brokerIdNotRegistered: return 102
        case .ineligibleReplica: return 107
        case .storage, .corruptMetadataLog, .closed: return -1
        }
    }

    public var description: String {
        switch self {
        case .unknownTopicOrPartition(let m), .notLeaderOrFollower(let m), .invalidTopic(let m),
             .topicAlreadyExists(let m), .invalidPartitions(let m), .invalidReplicationFactor(let m), .invalidReplicaAssignment(let m),
             .invalidConfig(let m), .invalidRequest(let m), .policyViolation(let m), .fencedLeaderEpoch(let m),
             .staleBrokerEpoch(let m), .invalidUpdateVersion(let m), .ineligibleReplica(let m):
            return m
        case .brokerIdNotRegistered(let id): return "Broker \(id) is not registered."
        case .storage(let m): return "The metadata log could not be written: \(m)"
        case .corruptMetadataLog(let m): return "The metadata log cannot be replayed: \(m)"
        case .closed: return "The controller is closed."
        }
    }
}
