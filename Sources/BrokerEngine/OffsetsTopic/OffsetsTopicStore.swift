import KafkaProtocol
import LogStore
import NIOConcurrencyHelpers
import NIOCore

/// The coordinator's `GroupStateStore` on the compacted `__consumer_offsets` topic, as
/// Kafka's `GroupMetadataManager` (classic groups) keeps it.
///
/// - A group lives in partition `Utils.abs(groupId.hashCode) % partitionCount`
///   (`OffsetsTopicPartitioner`), so all of a group's records share one partition and one
///   write is one record batch: atomic, as Kafka appends a group's records together.
/// - Writes: `storeOffsets` appends one `OffsetCommitKey/Value` record per partition,
///   `storeGroup` one `GroupMetadataKey/Value`, `removeOffsets` offset tombstones, and
///   `removeGroup` a tombstone for each of the group's live offsets followed by the group
///   metadata tombstone (Kafka's `cleanupGroupMetadata`). Each call returns once its batch is
///   appended to the `PartitionLog` (in the OS page cache, flushed by the log's own policy, as
///   Kafka's coordinator only waits for the append, with acks=all on a single replica).
/// - `load()` replays every partition from its log start to its log end: the last record per
///   key wins and a tombstone deletes (what compaction would leave). The result also becomes
///   the store's index of live keys, which `removeGroup` needs to know what to tombstone.
///   A record of a known type that does not decode fails the load, as it fails Kafka's
///   partition load, rather than silently dropping a group's state.
///
/// Record formats: `OffsetsTopicRecords.swift`. Not covered: transactional offset commits
/// (TxnOffsetCommit is not implemented, so transactional batches are never written and replay
/// skips them along with control batches) and KIP-848 record types (skipped, as Kafka's
/// classic loader does with records it does not know).
///
/// Thread-safe: one lock serialises replay and writes, so the live-key index and the logs
/// change in the same order. The coordinator calls in with its own lock held; nothing here
/// calls back.
public final class OffsetsTopicStore: GroupStateStore, @unchecked Sendable {
    // @unchecked: `state` is guarded by `lock`; everything else is immutable.
    public static let topicName = "__consumer_offsets"
    /// Kafka's `offsets.topic.num.partitions` default.
    public static let defaultPartitionCount: Int32 = 50
    /// Kafka's `offsets.load.buffer.size`: how much one replay read asks for.
    public static let loadBufferSize = 5 * 1024 * 1024

    /// The topic config Kafka gives `__consumer_offsets` (`GroupCoordinator.groupMetadataTopicConfigs`):
    /// `cleanup.policy=compact` and `segment.bytes` = `offsets.topic.segment.bytes` (100 MiB).
    public static var logConfig: LogConfig {
        var config = LogConfig()
        config.cleanupPolicy = [.compact]
        config.segmentBytes = 104_857_600
        return config
    }

    /// `logConfig` as the topic configs to create `__consumer_offsets` with: the settings
    /// that differ from Kafka's defaults, so the topic describes as Kafka's does.
    public static var topicConfigs: [String: String] {
        let defaults = LogConfig().properties
        return logConfig.properties.filter { defaults[$0.key] != $0.value }
    }

    public let partitionCount: Int32
    /// `offsets.topic.compression.codec` (Kafka's default: none).
    public let compression: CompressionCodec
    /// Stamped on appended batches (the partition's leader epoch; a single broker's is 0).
    public let leaderEpoch: Int32
    let clock: any Clock
    let partitionLog: @Sendable (Int32) throws -> PartitionLog
    /// Appends a batch to partition `i`; nil appends straight to `partitionLog(i)`. A
    /// replicated topic passes its leader's produce path, so the high watermark and the
    /// followers see the write.
    let appendBatch: (@Sendable (Int32, ByteBuffer) throws -> Void)?
    /// Where a replicated partition `i` stands (its leader's epoch and high watermark), so
    /// compaction drops old records only once every in-sync replica has their copy; nil for
    /// a single unreplicated log, where an append is as safe as it gets at once.
    let replication: (@Sendable (Int32) -> Replication?)?
    let lock = NIOLock()
    /// The replayed state plus every write since; nil until the first `load()` (or write).
    private var state: OffsetsTopicState?
    /// What the compaction needs between runs (`OffsetsTopicStore+Compaction.swift`). Lock held.
    var compaction = CompactionProgress()

    /// - Parameters:
    ///   - partitionCount: `offsets.topic.num.partitions`; must match the count the topic was
    ///     created with, or groups move to other partitions and their records are not found.
    ///   - partitionLog: the log of partition `i` of `__consumer_offsets` (created on demand
    ///     by the caller; called for every partition by `load()`).
    ///   - appendBatch: how a batch reaches partition `i`, when not by appending to its log.
    ///   - replication: where replicated partition `i` stands now; nil when not replicated.
    public init(partitionCount: Int32 = OffsetsTopicStore.defaultPartitionCount,
                compression: CompressionCodec = .none, leaderEpoch: Int32 = 0,
                clock: any Clock = SystemClock(),
                appendBatch: (@Sendable (Int32, ByteBuffer) throws -> Void)? = nil,
                replication: (@Sendable (Int32) -> Replication?)? = nil,
                partitionLog: @escaping @Sendable (Int32) throws -> PartitionLog) {
        precondition(partitionCount > 0, "offsets.topic.num.partitions must be positive")
        self.partitionCount = partitionCount
        self.compression = compression
        self.leaderEpoch = leaderEpoch
        self.clock = clock
        self.partitionLog = partitionLog
        self.appendBatch = appendBatch
        self.replication = replication
    }

    /// A store over the `__consumer_offsets-<i>` partitions of `logDirectory`, creating them
    /// with `logConfig` when missing. A partition opened earlier with another config (the
    /// directory's per-topic default) is switched to `cleanup.policy=compact`.
    public convenience init(logDirectory: LogDirectory,
                            partitionCount: Int32 = OffsetsTopicStore.defaultPartitionCount,
                            compression: CompressionCodec = .none, leaderEpoch: Int32 = 0,
                            clock: any Clock = SystemClock()) {
        self.init(partitionCount: partitionCount, compression: compression, leaderEpoch: leaderEpoch,
                  clock: clock) { index in
            let topicPartition = TopicPartition(Self.topicName, index)
            guard let log = logDirectory.partition(topicPartition) else {
                return try logDirectory.createPartition(topicPartition, config: Self.logConfig)
            }
            var config = log.config
            if config.cleanupPolicy != [.compact] {
                config.cleanupPolicy = [.compact]
                log.updateConfig(config)
            }
            return log
        }
    }

    /// The partition that holds `groupId`'s records.
    public func partition(for groupId: String) -> Int32 {
        OffsetsTopicPartitioner.partition(for: groupId, partitionCount: partitionCount)
    }

    // MARK: GroupStateStore

    public func load() throws -> StoredGroupState {
        try lock.withLock {
            let replayed = try replayAll()
            state = replayed
            return replayed.stored
        }
    }

    public func storeOffsets(groupId: String, offsets: [TopicPartition: CommittedOffset]) throws {
        guard !offsets.isEmpty else { return }
        try lock.withLock {
            // Sorted so the batch (and a test's expectation of it) does not depend on hashing.
            let records = offsets.sorted { $0.key < $1.key }.map { topicPartition, committed in
                (OffsetsTopicKey.offsetCommit(group: groupId, topic: topicPartition.topic,
                                              partition: topicPartition.partition),
                 Optional(OffsetCommitValue(committed).encoded()))
            }
            try write(groupId: groupId, records)
            try loadedState().applyOffsets(groupId: groupId, offsets)
        }
    }

    public func removeOffsets(groupId: String, partitions: [TopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        try lock.withLock {
            let records = partitions.sorted().map {
                (OffsetsTopicKey.offsetCommit(group: groupId, topic: $0.topic, partition: $0.partition), ByteBuffer?.none)
            }
            try write(groupId: groupId, records)
            try loadedState().removeOffsets(groupId: groupId, partitions)
        }
    }

    public func storeGroup(_ snapshot: GroupSnapshot) throws {
        try lock.withLock {
            let value = GroupMetadataValue(snapshot)
            try write(groupId: snapshot.groupId,
                      [(.groupMetadata(group: snapshot.groupId), value.encoded())])
            try loadedState().groups[snapshot.groupId] = value
        }
    }

    public func removeGroup(groupId: String) throws {
        try lock.withLock {
            let live = try loadedState().offsets[groupId].map { Array($0.keys).sorted() } ?? []
            var records: [(OffsetsTopicKey, ByteBuffer?)] = live.map {
                (.offsetCommit(group: groupId, topic: $0.topic, partition: $0.partition), nil)
            }
            // The group tombstone goes last, as in Kafka, and is written even when no
            // metadata was stored (a simple group), so any older metadata record is covered.
            records.append((.groupMetadata(group: groupId), nil))
            try write(groupId: groupId, records)
            try loadedState().removeGroup(groupId)
        }
    }

    // MARK: Writing

    /// The state to update after a write; replays first if nothing was loaded yet, so a write
    /// before `load()` still knows the group's live offsets. Lock held.
    func loadedState() throws -> OffsetsTopicState {
        if let state { return state }
        let replayed = try replayAll()
        state = replayed
        return replayed
    }

    /// Appends `records` as one batch to the group's partition. Lock held.
    func write(groupId: String, _ records: [(OffsetsTopicKey, ByteBuffer?)]) throws {
        // Replay (if not done yet) before the log changes, so the replay cannot already
        // contain the batch that the caller is about to apply to the state.
        _ = try loadedState()
        let now = clock.milliseconds()
        let entries = records.map { key, value in RecordBatch.Entry(key: key.encoded(), value: value, timestamp: now) }
        let batch = try RecordBatch(records: entries, partitionLeaderEpoch: leaderEpoch, compression: compression)
            .encoded()
        try append(batch, to: partition(for: groupId))
    }

    /// Appends one encoded batch to partition `index`, through `appendBatch` when given. Lock held.
    func append(_ batch: ByteBuffer, to index: Int32) throws {
        compaction.changed.insert(index)
        if let appendBatch {
            try appendBatch(index, batch)
        } else {
            _ = try partitionLog(index).append(batch, leaderEpoch: leaderEpoch)
        }
    }

    // MARK: Replay

    /// Replays every partition. Lock held.
    private func replayAll() throws -> OffsetsTopicState {
        let state = OffsetsTopicState()
        for index in 0..<partitionCount {
            // A partition none of whose replicas runs (the cluster was reopened with fewer
            // brokers) holds groups that are unavailable until it is back; the rest load.
            let log: PartitionLog
            do { log = try partitionLog(index) } catch GroupError.coordinatorNotAvailable { continue }
            try OffsetsTopicStore.replay(log, into: state)
        }
        // What was there before this start may never have been compacted: look at each
        // partition once.
        compaction.changed = Set(0..<partitionCount)
        return state
    }

    /// Applies every record of `log`, front to back, to `state`.
    static func replay(_ log: PartitionLog, into state: OffsetsTopicState) throws {
        var offset = log.logStartOffset
        let end = log.logEndOffset
        while offset < end {
            let result = try log.read(from: offset, maxBytes: loadBufferSize)
            var next = offset
            for raw in RecordBatchSequence(result.records) {
                next = raw.header.nextOffset
                // Control and transactional batches: see the type's doc comment.
                if raw.header.attributes.isControl || raw.header.attributes.isTransactional { continue }
                let batch = try raw.decode()
                for record in batch.records where batch.offset(of: record) >= offset {
                    guard let keyBytes = record.key else { continue }
                    try state.apply(keyBytes: keyBytes, value: record.value)
                }
            }
            // A read that makes no progress (nothing readable before the log end) ends the
            // replay rather than spinning.
            guard next > offset else { break }
            offset = next
        }
    }
}

/// The materialised content of `__consumer_offsets`: the latest metadata of each group and
/// its live committed offsets. A class so the store can update it in place under its lock.
final class OffsetsTopicState {
    var groups: [String: GroupMetadataValue] = [:]
    var offsets: [String: [TopicPartition: CommittedOffset]] = [:]

    var stored: StoredGroupState {
        StoredGroupState(groups: groups.sorted { $0.key < $1.key }.map { $0.value.snapshot(groupId: $0.key) },
                         offsets: offsets)
    }

    /// One record of the log: the last one per key wins, a null value deletes. Keys of
    /// record types the classic coordinator does not know are skipped.
    func apply(keyBytes: ByteBuffer, value: ByteBuffer?) throws {
        let key: OffsetsTopicKey
        do {
            key = try OffsetsTopicKey.decode(keyBytes)
        } catch .unknownKeyVersion {
            return
        }
        switch key {
        case .offsetCommit(let group, let topic, let partition):
            let topicPartition = TopicPartition(topic, partition)
            if let value {
                applyOffsets(groupId: group, [topicPartition: try OffsetCommitValue.decode(value).committedOffset])
            } else {
                removeOffsets(groupId: group, [topicPartition])
            }
        case .groupMetadata(let group):
            if let value {
                groups[group] = try GroupMetadataValue.decode(value)
            } else {
                // Kafka's loader: a group tombstone removes the metadata; the offsets have
                // tombstones of their own.
                groups[group] = nil
            }
        }
    }

    func applyOffsets(groupId: String, _ new: [TopicPartition: CommittedOffset]) {
        offsets[groupId, default: [:]].merge(new) { _, latest in latest }
    }

    func removeOffsets(groupId: String, _ partitions: [TopicPartition]) {
        for partition in partitions { offsets[groupId]?[partition] = nil }
        if offsets[groupId]?.isEmpty == true { offsets[groupId] = nil }
    }

    func removeGroup(_ groupId: String) {
        groups[groupId] = nil
        offsets[groupId] = nil
    }
}
