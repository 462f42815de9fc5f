import NIOCore

/// A segment's sparse time index, the `.timeindex` file (Kafka's `TimeIndex`).
///
/// File format: a sequence of 12-byte big-endian entries and nothing else:
/// ```
/// 0  timestamp       int64   the segment's max timestamp so far when the entry was written
/// 8  relativeOffset  uint32  offset (of the batch holding that max) - segment base offset
/// ```
/// Timestamps are strictly increasing: an entry is appended only when its timestamp is above
/// the last one (`maybeAppend`). Entries are written together with offset index entries, plus
/// one final entry with the segment's max timestamp when it becomes inactive or is closed.
/// Like `OffsetIndex` the file is exactly its entries (Kafka's trimmed form), has no checksum
/// and is rebuilt when it fails `sanityCheck`. Not thread-safe: owned by a `Segment`.
final class TimeIndex {
    static let entrySize = 12

    let baseOffset: Int64
    let maxEntries: Int
    private var writer: IndexFileWriter
    private var timestamps: [Int64] = []
    private var relativeOffsets: [UInt32] = []
    private var sizeAtOpen: Int

    var path: String { writer.file.path }
    var entryCount: Int { timestamps.count }
    var isFull: Bool { entryCount >= maxEntries }
    var lastEntry: (timestamp: Int64, offset: Int64)? {
        guard let ts = timestamps.last, let rel = relativeOffsets.last else { return nil }
        return (ts, baseOffset + Int64(rel))
    }

    init(path: String, baseOffset: Int64, maxIndexSize: Int) throws {
        self.baseOffset = baseOffset
        self.maxEntries = max(1, maxIndexSize / Self.entrySize)
        let file = try LogFile(path: path)
        sizeAtOpen = try file.size()
        let whole = sizeAtOpen / Self.entrySize
        let bytes = try file.read(at: 0, count: whole * Self.entrySize)
        writer = IndexFileWriter(file: file, writtenBytes: whole * Self.entrySize)
        for i in 0..<(bytes.readableBytes / Self.entrySize) {
            timestamps.append(bytes.getInteger(at: i * 12, endianness: .big, as: Int64.self)!)
            relativeOffsets.append(bytes.getInteger(at: i * 12 + 8, endianness: .big, as: UInt32.self)!)
        }
    }

    func entry(at slot: Int) -> (timestamp: Int64, offset: Int64) {
        (timestamps[slot], baseOffset + Int64(relativeOffsets[slot]))
    }

    /// The largest entry whose timestamp is ≤ `timestamp`; `(-1, baseOffset)` when none.
    func lookup(_ timestamp: Int64) -> (timestamp: Int64, offset: Int64) {
        guard let first = timestamps.first, first <= timestamp else { return (-1, baseOffset) }
        var low = 0, high = entryCount - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if timestamps[mid] <= timestamp { low = mid } else { high = mid - 1 }
        }
        return entry(at: low)
    }

    /// Appends `(timestamp, offset)` when the timestamp is above the last entry's.
    func maybeAppend(timestamp: Int64, offset: Int64) throws {
        guard timestamp >= 0 else { return }
        let relative = offset - baseOffset
        guard relative >= 0, relative <= Int64(Int32.max) else {
            throw LogStoreError.offsetOverflow(offset: offset, segmentBaseOffset: baseOffset)
        }
        if let last = timestamps.last, timestamp <= last { return }
        if let lastRelative = relativeOffsets.last, Int64(lastRelative) > relative { return }
        try writer.append { bytes in
            bytes.writeInteger(timestamp, endianness: .big)
            bytes.writeInteger(UInt32(relative), endianness: .big)
        }
        timestamps.append(timestamp)
        relativeOffsets.append(UInt32(relative))
    }

    /// Removes every entry whose offset is ≥ `offset`.
    func truncate(to offset: Int64) throws {
        let relative = offset - baseOffset
        var keep = entryCount
        while keep > 0, Int64(relativeOffsets[keep - 1]) >= relative { keep -= 1 }
        guard keep < entryCount || sizeAtOpen != keep * Self.entrySize else { return }
        try writer.truncate(to: keep * Self.entrySize)
        timestamps.removeSubrange(keep...)
        relativeOffsets.removeSubrange(keep...)
        sizeAtOpen = keep * Self.entrySize
    }

    func reset() throws {
        try writer.truncate(to: 0)
        timestamps.removeAll()
        relativeOffsets.removeAll()
        sizeAtOpen = 0
    }

    func trimToValidSize() throws {
        try writer.truncate(to: entryCount * Self.entrySize)
        sizeAtOpen = entryCount * Self.entrySize
    }

    /// Whole entries, timestamps strictly increasing, offsets non-decreasing, within Int32,
    /// and no offset at or beyond `nextOffset` (when known).
    func sanityCheck(nextOffset: Int64?) throws {
        func corrupt(_ reason: String) -> LogStoreError { .corruptIndex(path: path, reason: reason) }
        guard sizeAtOpen % Self.entrySize == 0 else {
            throw corrupt("size \(sizeAtOpen) is not a multiple of \(Self.entrySize)")
        }
        for slot in 0..<entryCount {
            guard relativeOffsets[slot] <= UInt32(Int32.max) else { throw corrupt("entry \(slot): relative offset overflows") }
            if let next = nextOffset, baseOffset + Int64(relativeOffsets[slot]) >= next {
                throw corrupt("entry \(slot): offset is beyond the log end \(next)")
            }
            if slot > 0 {
                guard timestamps[slot] > timestamps[slot - 1], relativeOffsets[slot] >= relativeOffsets[slot - 1] else {
                    throw corrupt("entry \(slot) is not above entry \(slot - 1)")
                }
            }
        }
    }

    func sync() throws { try writer.sync() }
    func close() { writer.close() }
    func rename(to newPath: String) throws { try writer.file.rename(to: newPath) }
}
