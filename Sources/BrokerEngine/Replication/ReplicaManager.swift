import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One broker's partitions: it leads some and follows others (Kafka's `ReplicaManager`).
///
/// Produce and fetch run synchronously on the caller's thread under the partition's lock;
/// what must wait (`acks=all`, a fetch below `min.bytes`) waits in a `Purgatory` and is
/// completed by the events that can satisfy it — a follower's fetch moving the high
/// watermark, an append — or by its timeout. ISR changes go to the controller through
/// `alterPartition`; follower fetching is done by a `ReplicaFetcher` that calls the leader's
/// `replicaFetch`.
///
/// Thread-safe.
public final class ReplicaManager: @unchecked Sendable {
    /// What the controller answered to an ISR change: the committed ISR and partition epoch,
    /// or nil when it refused (stale epochs, a fenced replica).
    public typealias AlterPartition = @Sendable (
        _ topicPartition: TopicPartition, _ leaderId: Int32, _ leaderEpoch: Int32, _ partitionEpoch: Int32,
        _ isr: Set<Int32>
    ) -> (isr: Set<Int32>, partitionEpoch: Int32)?

    public let brokerId: Int32
    public let logDirectory: LogDirectory
    public let config: ReplicationConfig
    let scheduler: any EngineScheduler
    let logger: Logger
    let alterPartition: AlterPartition
    /// Counts records and bytes produced and consumed (shared by the cluster's brokers).
    public let traffic: TrafficMeter
    let partitions = NIOLockedValueBox([TopicPartition: HostedPartition]())
    let producePurgatory: Purgatory<TopicPartition>
    let fetchPurgatory: Purgatory<TopicPartition>
    /// Called after every leader append and DeleteRecords (outside any lock) so followers'
    /// fetchers wake up.
    let leaderAppended = NIOLockedValueBox<(@Sendable (TopicPartition) -> Void)?>(nil)
    private let highWatermarkCheckpoint: OffsetCheckpointFile
    private let checkpointedHighWatermarks: [TopicPartition: Int64]

    public init(brokerId: Int32, logDirectory: LogDirectory, config: ReplicationConfig = ReplicationConfig(),
                scheduler: any EngineScheduler, logger: Logger, traffic: TrafficMeter = TrafficMeter(),
                alterPartition: @escaping AlterPartition) {
        self.brokerId = brokerId
        self.traffic = traffic
        self.logDirectory = logDirectory
        self.config = config
        self.scheduler = scheduler
        self.logger = logger
        self.alterPartition = alterPartition
        producePurgatory = Purgatory(name: "produce", scheduler: scheduler)
        fetchPurgatory = Purgatory(name: "fetch", scheduler: scheduler)
        highWatermarkCheckpoint = OffsetCheckpointFile(
            path: logDirectory.path + "/" + OffsetCheckpointFile.replicationOffset)
        do {
            checkpointedHighWatermarks = try highWatermarkCheckpoint.read()
        } catch {
            logger.warning("Ignoring unreadable \(highWatermarkCheckpoint.file.path): \(error); high watermarks restart at 0")
            checkpointedHighWatermarks = [:]
        }
    }

    /// Sets the hook run after every leader append and DeleteRecords (the cluster wakes
    /// follower fetchers).
    public func onLeaderAppend(_ hook: @escaping @Sendable (TopicPartition) -> Void) {
        leaderAppended.withLockedValue { $0 = hook }
    }

    // MARK: Partitions

    /// Makes this broker leader or follower of `topicPartition` as the controller decided,
    /// creating the log when needed (Kafka's `becomeLeaderOrFollower`).
    public func applyPartitionState(_ topicPartition: TopicPartition, _ state: PartitionState, config logConfig: LogConfig) throws {
        let partition = try hostedPartition(topicPartition, creatingWith: logConfig)
        if partition.apply(state, nowMs: scheduler.nowMs, config: config) {
            // Waiting produces may have lost their leader; waiting fetches their partition.
            producePurgatory.checkAndComplete(topicPartition)
            fetchPurgatory.checkAndComplete(topicPartition)
        }
    }

    /// Stops hosting a partition (reassigned away or deleted); `delete` removes its files.
    public func stopReplica(_ topicPartition: TopicPartition, delete: Bool) throws {
        let removed = partitions.withLockedValue { $0.removeValue(forKey: topicPartition) }
        producePurgatory.completeAll(topicPartition)
        fetchPurgatory.completeAll(topicPartition)
        if delete, removed != nil || logDirectory.partition(topicPartition) != nil {
            try logDirectory.deletePartition(topicPartition)
        }
    }

    public var hostedPartitions: [TopicPartition] { partitions.withLockedValue { $0.keys.sorted() } }

    /// Every hosted partition, in no particular order: for the fetcher's rounds, which run
    /// on every append burst (sorting names there cost a third of the cluster bench's CPU).
    var hostedPartitionStates: [HostedPartition] { partitions.withLockedValue { Array($0.values) } }

    func partition(_ topicPartition: TopicPartition) -> HostedPartition? {
        partitions.withLockedValue { $0[topicPartition] }
    }

    private func hostedPartition(_ topicPartition: TopicPartition, creatingWith logConfig: LogConfig) throws -> HostedPartition {
        if let existing = partition(topicPartition) { return existing }
        let log = try logDirectory.partition(topicPartition) ?? logDirectory.createPartition(topicPartition, config: logConfig)
        let created = HostedPartition(topicPartition: topicPartition, log: log, brokerId: brokerId,
                                      highWatermark: checkpointedHighWatermarks[topicPartition] ?? 0)
        return partitions.withLockedValue { partitions in
            if let raced = partitions[topicPartition] { return raced }
            partitions[topicPartition] = created
            return created
        }
    }

    // MARK: High watermarks and the ISR

    /// The high watermark of a hosted partition (leader or follower).
    public func highWatermark(_ topicPartition: TopicPartition) -> Int64? {
        partition(topicPartition)?.highWatermark
    }

    /// Writes `replication-offset-checkpoint` (Kafka does it every
    /// `replica.high.watermark.checkpoint.interval.ms` and at shutdown).
    public func checkpointHighWatermarks() throws {
        let all = partitions.withLockedValue { $0 }
        try highWatermarkCheckpoint.write(all.mapValues { $0.highWatermark })
    }

    /// Removes lagging followers from the ISRs this broker leads (Kafka's periodic
    /// `maybeShrinkIsr`; expansion happens on the follower's own fetch).
    public func checkIsrChanges() {
        let all = partitions.withLockedValue { Array($0.values) }
        for partition in all { maybeChangeIsr(partition, fetchedBy: nil) }
    }

    func maybeChangeIsr(_ partition: HostedPartition, fetchedBy follower: Int32?) {
        let now = scheduler.nowMs
        guard let proposal = partition.proposeIsrChange(nowMs: now, config: config, fetchedBy: follower) else { return }
        let answer = alterPartition(partition.topicPartition, brokerId, proposal.leaderEpoch, proposal.partitionEpoch,
                                    proposal.isr)
        partition.isrChangeAnswered(isr: answer?.isr, partitionEpoch: answer?.partitionEpoch,
                                    leaderEpoch: proposal.leaderEpoch, nowMs: now, config: config)
        if answer != nil {
            logger.info("ISR of \(partition.topicPartition) is now \(answer!.isr.sorted()) (partition epoch \(answer!.partitionEpoch))")
            producePurgatory.checkAndComplete(partition.topicPartition)
            fetchPurgatory.checkAndComplete(partition.topicPartition)
        }
    }

    /// Completes every waiting request as expired (the broker is stopping).
    public func completeWaitingRequests() {
        producePurgatory.completeAll()
        fetchPurgatory.completeAll()
    }
}
