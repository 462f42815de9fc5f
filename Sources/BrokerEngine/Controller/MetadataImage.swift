import KafkaProtocol
import LogStore

/// An immutable snapshot of the cluster's metadata (Kafka's `MetadataImage`): brokers,
/// topics with their partitions, config overrides, the cluster id and the producer id
/// watermark. A value type: cheap to copy and safe to read from any thread; the
/// `Controller` publishes a new one after every committed change.
///
/// Built only by replaying `MetadataRecord`s (`applying(_:)`), so the image after a
/// restart is exactly the image before it.
public struct MetadataImage: Hashable, Sendable {
    /// Persisted by the first controller start; nil only before that first record.
    public internal(set) var clusterId: KafkaUUID?
    public internal(set) var brokers: [Int32: BrokerRegistration] = [:]
    public internal(set) var topicsById: [KafkaUUID: TopicImage] = [:]
    public internal(set) var topicIdsByName: [String: KafkaUUID] = [:]
    /// Config overrides only; defaults come from `LogConfig` and `ClusterConfig`.
    public internal(set) var configs: [ConfigResource: [String: String]] = [:]
    /// The first producer id of the next block to hand out.
    public internal(set) var nextProducerId: Int64 = 0
    /// Offset of the last record applied (-1 for the empty image): the metadata version
    /// an observer has seen, as KRaft's `MetadataProvenance.lastContainedOffset`.
    public internal(set) var lastOffset: Int64 = -1

    public init() {}

    public func topic(named name: String) -> TopicImage? {
        topicIdsByName[name].flatMap { topicsById[$0] }
    }

    public func partition(_ topicPartition: TopicPartition) -> PartitionRegistration? {
        topic(named: topicPartition.topic)?.partitions[topicPartition.partition]
    }

    /// Topic names, sorted.
    public var topicNames: [String] { topicIdsByName.keys.sorted() }

    /// The topic's config overrides (empty when none).
    public func topicConfig(_ name: String) -> [String: String] { configs[.topic(name)] ?? [:] }

    /// Brokers that may lead and be in an ISR: unfenced and not shutting down
    /// (Kafka's `ClusterControlManager.isActive`).
    public var activeBrokerIds: [Int32] {
        brokers.values.filter { $0.state == .unfenced }.map(\.id).sorted()
    }

    public func isActive(_ brokerId: Int32) -> Bool { brokers[brokerId]?.state == .unfenced }

    /// Every partition a broker leads.
    public func partitionsLed(by brokerId: Int32) -> [TopicPartition] {
        allPartitions.filter { $0.1.leader == brokerId }.map(\.0)
    }

    /// Every partition with no leader.
    public var offlinePartitions: [TopicPartition] {
        allPartitions.filter { $0.1.leader == PartitionRegistration.noLeader }.map(\.0)
    }

    /// Every partition with its name, sorted by topic and partition.
    public var allPartitions: [(TopicPartition, PartitionRegistration)] {
        topicsById.values.sorted { $0.name < $1.name }.flatMap { topic in
            topic.partitions.keys.sorted().map { (TopicPartition(topic.name, $0), topic.partitions[$0]!) }
        }
    }
}

/// A broker as the controller knows it (Kafka's `BrokerRegistration` + heartbeat state).
public struct BrokerRegistration: Hashable, Sendable {
    public enum State: String, Hashable, Sendable {
        /// Registered and not yet unfenced (Kafka registers brokers fenced).
        case registered
        /// Live: may lead partitions and be in ISRs.
        case unfenced
        /// Stopped, killed or timed out: leads nothing, in no ISR (except as the last member
        /// of an offline partition's ISR, kept so it can come back as a clean leader).
        case fenced
        /// In controlled shutdown: leaderships are moving away; fenced next.
        case shuttingDown
    }

    public var id: Int32
    /// This incarnation's epoch (changes on every registration).
    public var epoch: Int64
    public var rack: String?
    public var state: State
    /// When the controller last heard from the broker (a heartbeat or registration);
    /// not persisted, so nil after a restart until the broker next heartbeats.
    public var lastHeartbeatMs: Int64?
}

/// A topic with its partitions.
public struct TopicImage: Hashable, Sendable {
    public var name: String
    public var id: KafkaUUID
    public var partitions: [Int32: PartitionRegistration]

    public var partitionCount: Int { partitions.count }
}

/// One partition's replica state (Kafka's `PartitionRegistration`).
public struct PartitionRegistration: Hashable, Sendable {
    /// `leader` of a partition without one (Kafka's `LeaderConstants.NO_LEADER`).
    public static let noLeader: Int32 = -1

    /// The assignment, in preference order.
    public var replicas: [Int32]
    public var isr: [Int32]
    /// The leader, or -1 when offline.
    public var leader: Int32
    /// Bumped on every leader change; followers truncate by it (KIP-101).
    public var leaderEpoch: Int32
    /// Bumped on every change; AlterPartition must name the current one (KIP-497).
    public var partitionEpoch: Int32

    /// `replicas[0]`, which preferred leader election restores.
    public var preferredLeader: Int32 { replicas.first ?? Self.noLeader }
    public var isOffline: Bool { leader == Self.noLeader }
}
