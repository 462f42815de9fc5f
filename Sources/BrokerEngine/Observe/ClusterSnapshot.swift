import LogStore

/// The cluster as an observer (the console) sees it at one moment: brokers, topics and
/// partitions with their replica status and sizes, consumer groups with their lag, and
/// traffic rates with a short history. A value: reading it never touches the engine.
///
/// The snapshot types have public memberwise initialisers so that code outside the engine
/// can build them without `@testable` (Benchmarks/ConsoleBench draws a synthetic
/// 10,000-partition cluster in a release build, where `@testable import` is unavailable).
public struct ClusterSnapshot: Sendable {
    public var takenAtMs: Int64
    public var clusterId: String
    public var brokers: [BrokerSnapshot]
    public var topics: [TopicSnapshot]
    /// Every group the coordinator knows (classic protocol), by group id.
    public var groups: [ConsumerGroupSnapshot]
    public var rates: TrafficMeter.Rates
    /// Oldest first, one sample a second.
    public var rateHistory: [TrafficMeter.Rates]

    public init(takenAtMs: Int64, clusterId: String, brokers: [BrokerSnapshot], topics: [TopicSnapshot],
                groups: [ConsumerGroupSnapshot], rates: TrafficMeter.Rates, rateHistory: [TrafficMeter.Rates]) {
        self.takenAtMs = takenAtMs
        self.clusterId = clusterId
        self.brokers = brokers
        self.topics = topics
        self.groups = groups
        self.rates = rates
        self.rateHistory = rateHistory
    }

    public var partitionCount: Int { topics.reduce(0) { $0 + $1.partitions.count } }
    public var underReplicatedCount: Int { topics.reduce(0) { $0 + $1.underReplicatedCount } }
    // Counted without filtering into new arrays: the console's header reads these every
    // frame, over every partition (make bench: 10,000 partitions).
    public var offlineCount: Int { topics.reduce(0) { $0 + $1.partitions.count(where: \.isOffline) } }
    public var brokersUp: Int { brokers.filter { $0.state == .up }.count }
}

public struct BrokerSnapshot: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Running and unfenced.
        case up
        /// Stopped by the operator (controlled shutdown or kill).
        case stopped
        /// Running but fenced by the controller (missed heartbeats), or registered and not yet unfenced.
        case fenced
    }

    public var id: Int32
    public var state: State
    public var leaderCount: Int
    public var replicaCount: Int
    public var bytesOnDisk: Int
    public var rates: TrafficMeter.Rates

    public init(id: Int32, state: State, leaderCount: Int, replicaCount: Int, bytesOnDisk: Int, rates: TrafficMeter.Rates) {
        self.id = id
        self.state = state
        self.leaderCount = leaderCount
        self.replicaCount = replicaCount
        self.bytesOnDisk = bytesOnDisk
        self.rates = rates
    }
}

public struct TopicSnapshot: Sendable {
    public var name: String
    public var id: String
    public var partitions: [PartitionSnapshot]
    /// Configs set on the topic (the rest are Kafka's defaults).
    public var configOverrides: [String: String]
    public var rates: TrafficMeter.Rates
    public var rateHistory: [TrafficMeter.Rates]

    public init(name: String, id: String, partitions: [PartitionSnapshot], configOverrides: [String: String],
                rates: TrafficMeter.Rates, rateHistory: [TrafficMeter.Rates]) {
        self.name = name
        self.id = id
        self.partitions = partitions
        self.configOverrides = configOverrides
        self.rates = rates
        self.rateHistory = rateHistory
    }

    public var replicationFactor: Int { partitions.first?.replicas.count ?? 0 }
    /// Records readable now: high watermark minus log start, summed.
    public var records: Int64 { partitions.reduce(0) { $0 + max(0, $1.highWatermark - $1.logStartOffset) } }
    public var sizeBytes: Int { partitions.reduce(0) { $0 + $1.sizeBytes } }
    public var underReplicatedCount: Int { partitions.count(where: \.isUnderReplicated) }
}

public struct PartitionSnapshot: Sendable, Equatable {
    public var partition: Int32
    /// -1 when offline.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var logStartOffset: Int64
    public var highWatermark: Int64
    public var logEndOffset: Int64
    /// Size of the leader's log (or of a live replica's when the leader is down).
    public var sizeBytes: Int
    /// The segments themselves are not in the snapshot (see `Cluster.snapshot()`);
    /// `Cluster.segments(of:)` lists them for one partition.
    public var segmentCount: Int

    public init(partition: Int32, leader: Int32, leaderEpoch: Int32, replicas: [Int32], isr: [Int32], logStartOffset: Int64,
                highWatermark: Int64, logEndOffset: Int64, sizeBytes: Int, segmentCount: Int) {
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.logStartOffset = logStartOffset
        self.highWatermark = highWatermark
        self.logEndOffset = logEndOffset
        self.sizeBytes = sizeBytes
        self.segmentCount = segmentCount
    }

    public var isOffline: Bool { leader < 0 }
    /// Fewer in-sync replicas than replicas (Kafka's UnderReplicatedPartitions).
    public var isUnderReplicated: Bool { isr.count < replicas.count }
    /// Replicas outside the ISR, in assignment order.
    public var outOfSyncReplicas: [Int32] { replicas.filter { !isr.contains($0) } }
}
