import BrokerEngine
import LogStore

/// Everything the console reads from and does to a cluster. Views never hold a `Cluster`:
/// they see snapshots and ask for operations through this protocol, so the same console can
/// look at the embedded engine (`EmbeddedBackend`) or, later, at any Kafka cluster over the
/// wire (a KafkaClient backend building the same `ClusterSnapshot` values).
///
/// Every requirement is async and may take its time (a controlled shutdown moves
/// leaderships first): the console calls them off its drawing thread (`BackendBridge`) and
/// shows the result when it arrives, so neither side ever waits for the other.
public protocol ClusterBackend: Sendable {
    /// What the console is looking at, for the header (`embedded`, `kafka://host:9092`).
    var name: String { get }

    /// The cluster now: brokers, topics and partitions, groups with lag, rates.
    func snapshot() async throws -> ClusterSnapshot
    /// One partition's segments (base offset, size, records, timestamps, index entries).
    func segments(of partition: TopicPartition) async throws -> [SegmentInfo]
    /// A topic's effective configuration: overrides and defaults with their sources.
    func describeConfigs(topic: String) async throws -> [ConfigEntry]

    /// Stops a broker: `controlled` moves its leaderships first and closes its logs cleanly;
    /// otherwise it is killed and fenced afterwards.
    func stopBroker(_ id: Int32, controlled: Bool) async throws
    func startBroker(_ id: Int32) async throws
    func createTopic(_ topic: NewTopic) async throws
    func deleteTopic(_ name: String) async throws

    // MARK: Dialogs (produce, reset offsets); create topic uses `createTopic` above.

    /// Appends one record and says where it landed. `record.partition` nil picks one as
    /// Java's default partitioner does (murmur2 of the key; any partition without a key).
    /// Throws for an unknown topic (never auto-creates) or a partition it does not have.
    func produce(_ record: ProduceRecord) async throws -> ProducedRecord
    /// The new offsets a reset would commit, changing nothing (kafka-consumer-groups.sh
    /// `--reset-offsets --dry-run`); allowed while the group is active so it can be previewed.
    func planOffsetReset(groupId: String, scope: OffsetResetScope, strategy: OffsetResetStrategy) async throws
        -> OffsetResetPlan
    /// Commits a plan's offsets (`--execute`); refused with the engine's reason while the
    /// group has active members.
    func executeOffsetReset(_ plan: OffsetResetPlan) async throws

    // MARK: Reading records (the Messages view's live tail)

    /// Records of `topic` from `offsets` (partition → first offset wanted) up to each
    /// partition's high watermark, about `maxBytes` in all but at least one whole batch
    /// when there is one, decompressed. When nothing is there yet it waits up to
    /// `maxWaitMs` for records (Fetch's long poll) and returns as soon as any partition has
    /// some. A partition that cannot be read has its `error` set; the others still return.
    func readRecords(topic: String, from offsets: [Int32: Int64], maxBytes: Int, maxWaitMs: Int) async throws
        -> [Int32: PartitionRecords]
    /// `query`'s offset for each of `partitions` of `topic` (ListOffsets). Throws when the
    /// topic or a partition does not exist; leaves out partitions without a leader.
    func listOffsets(topic: String, partitions: [Int32], _ query: OffsetQuery) async throws -> [Int32: Int64]
}

/// Failures a backend reports in words the status line can show.
public struct BackendError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
