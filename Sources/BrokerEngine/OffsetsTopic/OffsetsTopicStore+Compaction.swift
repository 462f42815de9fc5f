import KafkaProtocol
import LogStore
import NIOCore

/// An explicit compaction for `__consumer_offsets` until LogStore has a log cleaner.
///
/// Kafka's cleaner rewrites segments keeping the latest record per key. LogStore cannot swap
/// segments in place, so this does what a coordinator can do with the log's public operations
/// alone, in an order where a crash at any step loses nothing:
///
/// 1. roll, so the records to drop sit in closed segments;
/// 2. append the partition's live records (the state `load()` replays to: one record per live
///    key, no tombstones) as new batches, and flush them (`fdatasync`);
/// 3. `deleteRecords(before:)` the first of them: the log start offset moves up and the old
///    segments are deleted.
///
/// Why that is safe: replay applies records in log order and the re-appended copy restates
/// every live key with its current value. A crash during step 2 leaves old records followed by
/// part of the copy, which replays to the same state. A crash after step 3 but before the log
/// start offset was checkpointed leaves the segment holding the copy's start, whose earlier
/// records are older history: any key they mention that is not live had its tombstone after
/// them and before the copy, so it stays deleted. Tombstones themselves need no retention
/// (Kafka's `delete.retention.ms`) because nobody but this store reads the topic.
///
/// A replicated partition (the cluster's) takes the copy through its leader's produce path
/// (`appendBatch`), and step 3 waits until the leader's high watermark has passed the copy
/// in the same leader epoch: a follower then already holds the copy when it learns the new
/// log start offset, so no in-sync replica — the next leader — is ever left with neither
/// the old records nor their copy (Kafka's DeleteRecords never passes the high watermark
/// for the same reason). Until then the partition is not copied again.
///
/// What the copy loses: record timestamps (restamped now), an OffsetCommitValue v1's
/// expire timestamp, and unknown tagged fields of v4 values (values are rewritten at the
/// versions Kafka writes, 3 and 3); the coordinator uses none of them.
extension OffsetsTopicStore {
    /// Where a replicated partition stands, from its leader.
    public struct Replication: Sendable, Equatable {
        public var leaderEpoch: Int32
        public var highWatermark: Int64
        public init(leaderEpoch: Int32, highWatermark: Int64) {
            self.leaderEpoch = leaderEpoch
            self.highWatermark = highWatermark
        }
    }

    /// Compaction's memory between runs.
    struct CompactionProgress {
        /// A copy appended but not yet replicated: its old records go once it is.
        struct PendingCopy {
            var copyStart: Int64
            var copyEnd: Int64
            var leaderEpoch: Int32
            var dropped: Int
        }
        /// Partitions written (or replayed) since their last look.
        var changed: Set<Int32> = []
        var pending: [Int32: PendingCopy] = [:]
    }

    /// Compacts every partition that holds more records than live keys; returns how many
    /// records were dropped. Serialised with writes (the store's lock), so it can run while
    /// the coordinator serves requests, though each call blocks writes for its duration.
    /// On a replicated partition whose copy is not yet replicated, the old records stay
    /// (and are not counted) until a later `compact()` or `compactIfChanged(partition:)`.
    @discardableResult
    public func compact() throws -> Int {
        try lock.withLock {
            let state = try loadedState()
            var dropped = 0
            for index in 0..<partitionCount {
                if compaction.pending[index] != nil {
                    dropped += try finishPendingCopy(partition: index)
                } else {
                    compaction.changed.remove(index)
                    dropped += try compactLocked(partition: index, state: state, halfObsolete: false)
                }
            }
            return dropped
        }
    }

    /// The periodic form, for a partition this broker leads: finishes a pending copy once it
    /// is replicated; otherwise, only if the partition was written since it was last looked
    /// at, compacts it when at least half of it is obsolete (Kafka's default
    /// `min.cleanable.dirty.ratio`, 0.5), so a busy group's commits do not rewrite every
    /// live record on each run. A partition nobody wrote costs a set lookup. Returns the
    /// records dropped.
    @discardableResult
    public func compactIfChanged(partition index: Int32) throws -> Int {
        try lock.withLock {
            if compaction.pending[index] != nil { return try finishPendingCopy(partition: index) }
            guard compaction.changed.remove(index) != nil else { return 0 }
            return try compactLocked(partition: index, state: try loadedState(), halfObsolete: true)
        }
    }

    /// Copies the live records of a partition that holds obsolete ones (at least as many as
    /// live ones with `halfObsolete`), then drops the old ones when that is safe already
    /// (else leaves a pending copy). Lock held.
    private func compactLocked(partition index: Int32, state: OffsetsTopicState, halfObsolete: Bool) throws -> Int {
        let log = try partitionLog(index)
        let liveCount = liveRecordCount(partition: index, state: state)
        // Every record has its own offset, so this is the record count.
        let held = log.logEndOffset - log.logStartOffset
        guard held - Int64(liveCount) >= Int64(halfObsolete ? max(liveCount, 1) : 1) else { return 0 }
        let live = liveEntries(partition: index, state: state)
        let epochBefore = replication?(index)?.leaderEpoch
        try log.roll()
        let copyStart = log.logEndOffset
        for batch in try batches(of: live, maxBytes: log.config.maxMessageBytes / 2) {
            try append(batch, to: index)
        }
        compaction.changed.remove(index)   // the copy is not a change
        try log.flush()
        let dropped = Int(held) - live.count
        guard let replication else {
            try log.deleteRecords(before: copyStart)
            return dropped
        }
        // The same leader epoch before and after: the copy went to this leader's log, which
        // it cannot lose within the epoch.
        guard let epochBefore, let now = replication(index), now.leaderEpoch == epochBefore else {
            compaction.changed.insert(index)   // look again next time
            return 0
        }
        compaction.pending[index] = CompactionProgress.PendingCopy(
            copyStart: copyStart, copyEnd: log.logEndOffset, leaderEpoch: epochBefore, dropped: dropped)
        return try finishPendingCopy(partition: index)
    }

    /// Drops the records before a pending copy once the leader's high watermark has passed
    /// it in the epoch it was appended in. A new leader epoch abandons it (the copy may have
    /// been truncated away); the partition is then looked at afresh. Lock held.
    private func finishPendingCopy(partition index: Int32) throws -> Int {
        guard let pending = compaction.pending[index] else { return 0 }
        guard let now = replication?(index) else { return 0 }   // no leader now: wait
        guard now.leaderEpoch == pending.leaderEpoch else {
            compaction.pending[index] = nil
            compaction.changed.insert(index)
            return 0
        }
        guard now.highWatermark >= pending.copyEnd else { return 0 }
        compaction.pending[index] = nil
        try partitionLog(index).deleteRecords(before: pending.copyStart)
        return pending.dropped
    }

    /// How many records `liveEntries` would hold, without encoding them.
    private func liveRecordCount(partition index: Int32, state: OffsetsTopicState) -> Int {
        var count = 0
        for groupId in Set(state.groups.keys).union(state.offsets.keys) where partition(for: groupId) == index {
            count += (state.groups[groupId] == nil ? 0 : 1) + (state.offsets[groupId]?.count ?? 0)
        }
        return count
    }

    /// The live records of one partition: each group's metadata, then its offsets.
    private func liveEntries(partition index: Int32, state: OffsetsTopicState) -> [RecordBatch.Entry] {
        let now = clock.milliseconds()
        let groupIds = Set(state.groups.keys).union(state.offsets.keys)
            .filter { partition(for: $0) == index }
            .sorted()
        var entries: [RecordBatch.Entry] = []
        for groupId in groupIds {
            if let metadata = state.groups[groupId] {
                entries.append(RecordBatch.Entry(key: OffsetsTopicKey.groupMetadata(group: groupId).encoded(),
                                                 value: metadata.encoded(), timestamp: now))
            }
            for (topicPartition, committed) in (state.offsets[groupId] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let key = OffsetsTopicKey.offsetCommit(group: groupId, topic: topicPartition.topic,
                                                       partition: topicPartition.partition)
                entries.append(RecordBatch.Entry(key: key.encoded(), value: OffsetCommitValue(committed).encoded(),
                                                 timestamp: now))
            }
        }
        return entries
    }

    /// Encoded batches of about `maxBytes` each (at least one record per batch), so none
    /// exceeds the log's `max.message.bytes`.
    private func batches(of entries: [RecordBatch.Entry], maxBytes: Int) throws -> [ByteBuffer] {
        var batches: [ByteBuffer] = []
        var pending: [RecordBatch.Entry] = []
        var pendingBytes = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            batches.append(try RecordBatch(records: pending, partitionLeaderEpoch: leaderEpoch, compression: compression)
                .encoded())
            pending.removeAll()
            pendingBytes = 0
        }
        for entry in entries {
            // Key, value and the record's varint framing (generously).
            let size = (entry.key?.readableBytes ?? 0) + (entry.value?.readableBytes ?? 0) + 32
            if pendingBytes + size > maxBytes { try flush() }
            pending.append(entry)
            pendingBytes += size
        }
        try flush()
        return batches
    }
}
