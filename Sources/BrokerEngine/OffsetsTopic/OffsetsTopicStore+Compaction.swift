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
/// What the copy loses: record timestamps (restamped now), an OffsetCommitValue v1's
/// expire timestamp, and unknown tagged fields of v4 values (values are rewritten at the
/// versions Kafka writes, 3 and 3); the coordinator uses none of them.
extension OffsetsTopicStore {
    /// Compacts every partition that holds more records than live keys; returns how many
    /// records were dropped. Serialised with writes (the store's lock), so it can run while
    /// the coordinator serves requests, though each call blocks writes for its duration.
    @discardableResult
    public func compact() throws -> Int {
        try lock.withLock {
            let state = try loadedState()
            var dropped = 0
            for index in 0..<partitionCount {
                dropped += try compactLocked(partition: index, state: state)
            }
            return dropped
        }
    }

    /// Lock held.
    private func compactLocked(partition index: Int32, state: OffsetsTopicState) throws -> Int {
        let log = try partitionLog(index)
        let live = liveEntries(partition: index, state: state)
        // Every record has its own offset, so this is the record count.
        let held = log.logEndOffset - log.logStartOffset
        guard held > Int64(live.count) else { return 0 }
        try log.roll()
        let copyStart = log.logEndOffset
        for batch in try batches(of: live, maxBytes: log.config.maxMessageBytes / 2) {
            _ = try log.append(batch, leaderEpoch: leaderEpoch)
        }
        try log.flush()
        try log.deleteRecords(before: copyStart)
        return Int(held) - live.count
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
