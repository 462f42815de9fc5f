import Foundation

/// How to run an in-process cluster.
public struct ClusterOptions: Sendable {
    /// `<data-dir>`: holds `controller/` and one `broker-<id>/` per broker.
    public var dataDirectory: String
    /// Brokers, with ids 1…N (default 3).
    public var brokerCount: Int = 3
    /// Cluster-wide settings for the controller (auto-create, default partitions and RF, …).
    public var cluster = ClusterConfig()
    /// Broker replication settings.
    public var replication = ReplicationConfig()
    /// `broker.heartbeat.interval.ms`: how often each broker tells the controller it is alive.
    public var heartbeatIntervalMs: Int64 = 2_000
    /// How often leaders look for followers to drop from the ISR (Kafka checks every
    /// `replica.lag.time.max.ms` / 2).
    public var isrCheckIntervalMs: Int64?
    /// The group coordinator's settings.
    public var groups = GroupCoordinatorConfig()
    /// `offsets.topic.num.partitions`: fixed once `__consumer_offsets` exists.
    public var offsetsTopicPartitions: Int32 = 50
    /// `offsets.topic.replication.factor`, capped by the brokers there are.
    public var offsetsTopicReplicationFactor: Int16 = 3
    /// `log.retention.check.interval.ms`: how often retention runs.
    public var retentionCheckIntervalMs: Int64 = 300_000

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    var effectiveIsrCheckIntervalMs: Int64 { isrCheckIntervalMs ?? max(replication.replicaLagTimeMaxMs / 2, 1) }
}
