import Logging

/// The leader epochs of a partition and the first offset of each (Kafka's
/// `LeaderEpochFileCache`), persisted in `leader-epoch-checkpoint` (see
/// `LeaderEpochCheckpointFile` for the format). Every change is written to the checkpoint
/// synchronously. Not thread-safe: owned by `PartitionLog`, used under its lock.
final class LeaderEpochCache {
    private let checkpoint: LeaderEpochCheckpointFile
    private let logger: Logger
    /// Sorted by epoch; start offsets are increasing too.
    private(set) var entries: [EpochEntry] = []

    init(checkpoint: LeaderEpochCheckpointFile, logger: Logger) throws {
        self.checkpoint = checkpoint
        self.logger = logger
        for entry in try checkpoint.read() { _ = insert(entry) }
    }

    var latestEntry: EpochEntry? { entries.last }
    var latestEpoch: Int32? { entries.last?.epoch }

    /// Records that `epoch` starts at `startOffset`. Entries that would break monotonicity
    /// (epoch ≥ or start offset ≥ the new one) are removed first, as in Kafka.
    func assign(epoch: Int32, startOffset: Int64) throws {
        guard epoch >= 0, startOffset >= 0 else { return }
        if insert(EpochEntry(epoch: epoch, startOffset: startOffset)) { try persist() }
    }

    private func insert(_ entry: EpochEntry) -> Bool {
        if let latest = entries.last, entry.epoch == latest.epoch, entry.startOffset >= latest.startOffset { return false }
        var removed: [EpochEntry] = []
        while let last = entries.last, last.epoch >= entry.epoch || last.startOffset >= entry.startOffset {
            removed.append(entries.removeLast())
        }
        if removed.count > 1 || (removed.count == 1 && removed[0].startOffset != entry.startOffset) {
            logger.warning("New epoch entry \(entry) caused truncation of conflicting entries \(removed)")
        }
        entries.append(entry)
        return true
    }

    /// The epoch and end offset for `requestedEpoch`, what OffsetForLeaderEpoch answers:
    /// the largest epoch ≤ the requested one and the start offset of the next epoch, or the log
    /// end offset for the latest epoch; (-1, -1) when unknown (Kafka's `endOffsetFor`).
    func endOffset(for requestedEpoch: Int32, logEndOffset: Int64) -> (epoch: Int32, endOffset: Int64) {
        if requestedEpoch == -1 { return (-1, -1) }
        if let latest = entries.last, latest.epoch == requestedEpoch { return (requestedEpoch, logEndOffset) }
        guard let higher = entries.first(where: { $0.epoch > requestedEpoch }) else { return (-1, -1) }
        if let floor = entries.last(where: { $0.epoch <= requestedEpoch }) {
            return (floor.epoch, higher.startOffset)
        }
        return (requestedEpoch, higher.startOffset)
    }

    /// The epoch that wrote `offset`, if known.
    func epoch(forOffset offset: Int64) -> Int32? {
        entries.last(where: { $0.startOffset <= offset })?.epoch
    }

    /// Removes every entry starting at or after `endOffset` (after the log is truncated there).
    func truncateFromEnd(_ endOffset: Int64) throws {
        guard endOffset >= 0, let last = entries.last, last.startOffset >= endOffset else { return }
        entries.removeAll { $0.startOffset >= endOffset }
        try persist()
    }

    /// Removes entries wholly before `startOffset`; the last of those is kept, starting at
    /// `startOffset` (after the log start offset moves).
    func truncateFromStart(_ startOffset: Int64) throws {
        let removed = entries.prefix { $0.startOffset <= startOffset }
        guard let lastRemoved = removed.last else { return }
        if removed.count == 1 && lastRemoved.startOffset == startOffset { return }
        entries.removeFirst(removed.count)
        entries.insert(EpochEntry(epoch: lastRemoved.epoch, startOffset: startOffset), at: 0)
        try persist()
    }

    func clear() throws {
        entries.removeAll()
        try persist()
    }

    private func persist() throws { try checkpoint.write(entries) }
}
