import LogStore

/// A partition's assignment as the controller decided it: what a broker needs to become its
/// leader or a follower (Kafka's `LeaderAndIsr` / the partition part of a metadata image).
public struct PartitionState: Sendable, Equatable {
    /// The leader's broker id; -1 when the partition is offline.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32
    /// Every replica, preferred leader first.
    public var replicas: [Int32]
    public var isr: [Int32]

    public init(leader: Int32, leaderEpoch: Int32, partitionEpoch: Int32, replicas: [Int32], isr: [Int32]) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.replicas = replicas
        self.isr = isr
    }
}

/// Broker settings for replication, with Kafka's names and defaults.
public struct ReplicationConfig: Sendable, Equatable {
    /// `replica.lag.time.max.ms`: a follower not caught up for this long leaves the ISR.
    public var replicaLagTimeMaxMs: Int64 = 30_000
    /// `replica.fetch.max.bytes`: the most a follower fetches per partition and round.
    public var replicaFetchMaxBytes: Int = 1_048_576
    /// `replica.fetch.wait.max.ms`: how long an idle follower waits before fetching again
    /// when no append wakes it.
    public var replicaFetchWaitMaxMs: Int64 = 500
    /// `replica.high.watermark.checkpoint.interval.ms`.
    public var highWatermarkCheckpointIntervalMs: Int64 = 5_000

    public init() {}
}

/// Why a produce, fetch or replica operation failed, named after Kafka's error codes
/// (converted to codes only by the wire handlers).
public enum ReplicationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// This broker does not host the partition (`UNKNOWN_TOPIC_OR_PARTITION`, 3).
    case unknownTopicOrPartition(TopicPartition)
    /// This broker is not the leader, or not a replica (`NOT_LEADER_OR_FOLLOWER`, 6).
    case notLeaderOrFollower(TopicPartition)
    /// The partition has no leader now (`LEADER_NOT_AVAILABLE`, 5).
    case leaderNotAvailable(TopicPartition)
    /// The request carried an older leader epoch than the partition's (`FENCED_LEADER_EPOCH`, 74).
    case fencedLeaderEpoch(TopicPartition, requested: Int32, current: Int32)
    /// The request carried a newer leader epoch than this broker knows (`UNKNOWN_LEADER_EPOCH`, 76).
    case unknownLeaderEpoch(TopicPartition, requested: Int32, current: Int32)
    /// `acks=all` with an ISR smaller than `min.insync.replicas` (`NOT_ENOUGH_REPLICAS`, 19).
    case notEnoughReplicas(TopicPartition, isr: Int, minInSyncReplicas: Int)
    /// Written, but the ISR shrank below `min.insync.replicas` before it was replicated
    /// (`NOT_ENOUGH_REPLICAS_AFTER_APPEND`, 20).
    case notEnoughReplicasAfterAppend(TopicPartition)
    /// `acks=all` not satisfied within the request's timeout (`REQUEST_TIMED_OUT`, 7).
    case requestTimedOut(TopicPartition)
    /// `acks` other than -1, 0 and 1 (`INVALID_REQUIRED_ACKS`, 21).
    case invalidRequiredAcks(Int16)
    /// The log refused or failed the operation.
    case log(TopicPartition, LogStoreError)

    public var description: String {
        switch self {
        case .unknownTopicOrPartition(let tp): "This broker does not host \(tp)"
        case .notLeaderOrFollower(let tp): "This broker is not the leader of \(tp)"
        case .leaderNotAvailable(let tp): "\(tp) has no leader"
        case .fencedLeaderEpoch(let tp, let requested, let current):
            "Leader epoch \(requested) for \(tp) is older than the current \(current)"
        case .unknownLeaderEpoch(let tp, let requested, let current):
            "Leader epoch \(requested) for \(tp) is newer than the known \(current)"
        case .notEnoughReplicas(let tp, let isr, let minIsr):
            "\(tp) has \(isr) in-sync replicas, fewer than min.insync.replicas=\(minIsr)"
        case .notEnoughReplicasAfterAppend(let tp):
            "Records were written to \(tp) but its ISR shrank below min.insync.replicas"
        case .requestTimedOut(let tp): "Replication of \(tp) did not complete within the request timeout"
        case .invalidRequiredAcks(let acks): "acks=\(acks) is not one of -1, 0, 1"
        case .log(let tp, let error): "\(tp): \(error)"
        }
    }
}
