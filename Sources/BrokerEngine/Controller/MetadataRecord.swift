import KafkaProtocol

/// One change to the cluster's metadata, as the controller appends it to its log and as
/// observers receive it. Replaying every record in log order rebuilds the `MetadataImage`.
///
/// Modelled on KRaft's metadata records (`RegisterBrokerRecord`, `TopicRecord`,
/// `PartitionRecord`, `PartitionChangeRecord`, `RemoveTopicRecord`, `ConfigRecord`,
/// `ProducerIdsRecord`), but in a format of our own: see `MetadataRecord+Codec.swift`.
/// Every record carries the resulting values (epochs included), never a delta that replay
/// would have to recompute, so replay needs no election logic.
public enum MetadataRecord: Hashable, Sendable {
    /// The cluster's id, written once when the metadata log is created.
    case clusterId(KafkaUUID)
    /// A broker (re)registers; `epoch` is new for each incarnation (the metadata log offset
    /// of the registration, as Kafka's broker epochs). A registered broker starts fenced.
    case registerBroker(brokerId: Int32, epoch: Int64, rack: String?)
    /// The broker may not lead or be in an ISR (stopped, killed, or missed heartbeats).
    case brokerFenced(brokerId: Int32, epoch: Int64)
    /// The broker is live again: eligible for leadership and ISR membership.
    case brokerUnfenced(brokerId: Int32, epoch: Int64)
    /// The broker is shutting down in a controlled way: leaderships are moving away from it
    /// (Kafka's `BrokerRegistrationChangeRecord.inControlledShutdown`).
    case brokerInControlledShutdown(brokerId: Int32, epoch: Int64)
    /// A topic is created.
    case topic(name: String, id: KafkaUUID)
    /// A partition's full state, at creation.
    case partition(PartitionRecord)
    /// A partition's leader and/or ISR change, with the epochs that result.
    case partitionChange(PartitionChange)
    /// A topic is deleted (its partitions with it); brokers then remove its files.
    case removeTopic(id: KafkaUUID)
    /// A config override is set, or removed when `value` is nil.
    case config(resource: ConfigResource, name: String, value: String?)
    /// A block of producer ids was handed to `brokerId`; the next block starts at
    /// `nextBlockStart` (Kafka's `ProducerIdsRecord.nextProducerId`).
    case producerIdsBlock(brokerId: Int32, nextBlockStart: Int64)
}

/// Kafka's `PartitionRecord`: the state of a new partition.
public struct PartitionRecord: Hashable, Sendable {
    public var topicId: KafkaUUID
    public var partition: Int32
    /// The assignment; `replicas[0]` is the preferred leader.
    public var replicas: [Int32]
    public var isr: [Int32]
    /// -1 when the partition has no leader (offline).
    public var leader: Int32
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32

    public init(topicId: KafkaUUID, partition: Int32, replicas: [Int32], isr: [Int32], leader: Int32,
                leaderEpoch: Int32, partitionEpoch: Int32) {
        self.topicId = topicId
        self.partition = partition
        self.replicas = replicas
        self.isr = isr
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
    }
}

/// Kafka's `PartitionChangeRecord`: nil fields are unchanged. The epochs are the new ones
/// (a leader change bumps `leaderEpoch`; every change bumps `partitionEpoch`).
public struct PartitionChange: Hashable, Sendable {
    public var topicId: KafkaUUID
    public var partition: Int32
    public var isr: [Int32]?
    /// The new leader (-1: none), or nil when the leader stays.
    public var leader: Int32?
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32

    public init(topicId: KafkaUUID, partition: Int32, isr: [Int32]?, leader: Int32?, leaderEpoch: Int32,
                partitionEpoch: Int32) {
        self.topicId = topicId
        self.partition = partition
        self.isr = isr
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
    }
}

/// What a config record applies to (Kafka's `ConfigResource`, types TOPIC and BROKER).
public enum ConfigResource: Hashable, Sendable, CustomStringConvertible {
    case topic(String)
    /// A broker's dynamic config; `nil` is the cluster-wide default (Kafka's empty name).
    case broker(Int32?)

    public var description: String {
        switch self {
        case .topic(let name): return "topic \(name)"
        case .broker(let id?): return "broker \(id)"
        case .broker(nil): return "cluster default"
        }
    }
}
