import NIOCore

/// A segment's sparse offset index, the `.index` file (Kafka's `OffsetIndex`).
///
/// File format: a sequence of 8-byte big-endian entries and nothing else:
/// ```
/// 0  relativeOffset  uint32  offset - segment base offset (fits Int32)
/// 4  position        uint32  byte position of a batch in the .log file
/// ```
/// Each entry maps the **last offset** of a batch to the batch's **start position**. Entries
/// are strictly increasing in offset and position. Kafka preallocates the file to
/// `segment.index.bytes` and trims it to its entries when the segment becomes inactive or is
/// closed; we never preallocate, so the file is always exactly its entries, which is what a
/// trimmed Kafka index looks like. There is no checksum: an index that fails `sanityCheck` is
/// rebuilt from the log, never trusted.
///
/// Entries live in memory (arrays) and reach the file in batches through `IndexFileWriter`.
/// Not thread-safe: owned by a `Segment`.
final class OffsetIndex {
    static let entrySize = 8

    let baseOffset: Int64
    let maxEntries: Int
    private var writer: IndexFileWriter
    private var relativeOffsets: [UInt32] = []
    private var positions: [UInt32] = []
    /// The file's size when it was opened; `sanityCheck` rejects a size that is not a whole
    /// number of entries.
    private var sizeAtOpen: Int

    var path: String { writer.file.path }
    var entryCount: Int { relativeOffsets.count }
    var isFull: Bool { entryCount >= maxEntries }
    /// Offset of the last entry, or the base offset when empty (Kafka's `lastOffset`).
    var lastOffset: Int64 { relativeOffsets.last.map { baseOffset + Int64($0) } ?? baseOffset }

    /// Opens (or creates) the index at `path` and loads its whole entries.
    init(path: String, baseOffset: Int64, maxIndexSize: Int) throws {
        self.baseOffset = baseOffset
        self.maxEntries = max(1, maxIndexSize / Self.entrySize)
        let file = try LogFile(path: path)
        sizeAtOpen = try file.size()
        let whole = sizeAtOpen / Self.entrySize
        let bytes = try file.read(at: 0, count: whole * Self.entrySize)
        writer = IndexFileWriter(file: file, writtenBytes: whole * Self.entrySize)
        relativeOffsets.reserveCapacity(whole)
        positions.reserveCapacity(whole)
        for i in 0..<(bytes.readableBytes / Self.entrySize) {
            relativeOffsets.append(bytes.getInteger(at: i * 8, endianness: .big, as: UInt32.self)!)
            positions.append(bytes.getInteger(at: i * 8 + 4, endianness: .big, as: UInt32.self)!)
        }
    }

    func entry(at slot: Int) -> (offset: Int64, position: Int) {
        (baseOffset + Int64(relativeOffsets[slot]), Int(positions[slot]))
    }

    /// The largest entry whose offset is ≤ `target`; `(baseOffset, 0)` when there is none.
    func lookup(_ target: Int64) -> (offset: Int64, position: Int) {
        guard let slot = largestSlot(atMost: target) else { return (baseOffset, 0) }
        return entry(at: slot)
    }

    /// Appends an entry; the offset must be above the last one (Kafka's
    /// `InvalidOffsetException` otherwise) and fit a relative Int32.
    func append(offset: Int64, position: Int) throws {
        let relative = offset - baseOffset
        guard relative >= 0, relative <= Int64(Int32.max), position <= Int(UInt32.max) else {
            throw LogStoreError.offsetOverflow(offset: offset, segmentBaseOffset: baseOffset)
        }
        if let last = relativeOffsets.last, Int64(last) >= relative { return }
        try writer.append { bytes in
            bytes.writeInteger(UInt32(relative), endianness: .big)
            bytes.writeInteger(UInt32(position), endianness: .big)
        }
        relativeOffsets.append(UInt32(relative))
        positions.append(UInt32(position))
    }

    /// Removes every entry whose offset is ≥ `offset`.
    func truncate(to offset: Int64) throws {
        let keep = largestSlot(atMost: offset - 1).map { $0 + 1 } ?? 0
        guard keep < entryCount || sizeAtOpen != keep * Self.entrySize else { return }
        try writer.truncate(to: keep * Self.entrySize)
        relativeOffsets.removeSubrange(keep...)
        positions.removeSubrange(keep...)
        sizeAtOpen = keep * Self.entrySize
    }

    /// Drops every entry (before a rebuild).
    func reset() throws {
        try writer.truncate(to: 0)
        relativeOffsets.removeAll()
        positions.removeAll()
        sizeAtOpen = 0
    }

    /// Makes the file exactly its entries (a torn trailing partial entry is cut off).
    func trimToValidSize() throws {
        try writer.truncate(to: entryCount * Self.entrySize)
        sizeAtOpen = entryCount * Self.entrySize
    }

    /// Checks what Kafka checks and more: whole entries, offsets strictly increasing and
    /// relative offsets within Int32, positions strictly increasing and inside the log.
    func sanityCheck(logSize: Int) throws {
        func corrupt(_ reason: String) -> LogStoreError { .corruptIndex(path: path, reason: reason) }
        guard sizeAtOpen % Self.entrySize == 0 else {
            throw corrupt("size \(sizeAtOpen) is not a multiple of \(Self.entrySize)")
        }
        for slot in 0..<entryCount {
            guard relativeOffsets[slot] <= UInt32(Int32.max) else { throw corrupt("entry \(slot): relative offset overflows") }
            guard Int(positions[slot]) < logSize else {
                throw corrupt("entry \(slot): position \(positions[slot]) is beyond the log size \(logSize)")
            }
            if slot > 0 {
                guard relativeOffsets[slot] > relativeOffsets[slot - 1], positions[slot] > positions[slot - 1] else {
                    throw corrupt("entry \(slot) is not above entry \(slot - 1)")
                }
            }
        }
    }

    func sync() throws { try writer.sync() }
    func close() { writer.close() }
    func rename(to newPath: String) throws { try writer.file.rename(to: newPath) }

    /// Binary search for the last slot whose offset is ≤ `target`.
    private func largestSlot(atMost target: Int64) -> Int? {
        let relative = target - baseOffset
        guard relative >= 0, let first = relativeOffsets.first, Int64(first) <= relative else { return nil }
        var low = 0, high = entryCount - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if Int64(relativeOffsets[mid]) <= relative { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
