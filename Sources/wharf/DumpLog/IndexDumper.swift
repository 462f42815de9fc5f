import KafkaProtocol
import NIOCore

/// Dumps `.index` and `.timeindex` files like Kafka's `DumpLogSegments.dumpIndex` /
/// `dumpTimeIndex`, checking every entry against the segment's `.log` beside it.
///
/// Entries are read straight from the file rather than through LogStore's index types:
/// this tool must show what is on disk, including what LogStore would refuse to load.
struct IndexDumper {
    let output: DumpOutput
    let verifyOnly: Bool
    let sanityCheckOnly: Bool
    let maxMessageBytes: Int

    /// Offset index: 8-byte entries, relative offset u32 + position u32, big-endian.
    func dumpOffsetIndex(path: String) throws {
        let baseOffset = try Self.baseOffset(ofFile: path)
        let entries = try Self.entries(path: path, width: 8).map { buffer -> (offset: Int64, position: Int) in
            (baseOffset + Int64(buffer.getInteger(at: 0, as: UInt32.self)!),
             Int(buffer.getInteger(at: 4, as: UInt32.self)!))
        }
        if entries.isEmpty {
            output.line("\(path) is empty.")
            return
        }
        if sanityCheckOnly {
            if let problem = Self.sanityProblem(offsets: entries.map(\.offset), baseOffset: baseOffset) {
                output.error("\(path) failed sanity check: \(problem)")
            } else {
                output.line("\(path) passed sanity check.")
            }
            return
        }
        let log = try SegmentFileReader(path: Self.logPath(for: path))
        var mismatches: [(indexOffset: Int64, logOffset: Int64)] = []
        for (i, entry) in entries.enumerated() {
            // A preallocated index left by a crash has zero entries at its tail (Kafka stops there too).
            if i > 0, entry.offset == baseOffset { break }
            let batch = try log.batch(at: entry.position, limit: log.size)
            let lastOffset = batch.flatMap { RecordBatchHeader.peek($0, at: $0.readerIndex)?.lastOffset } ?? -1
            if lastOffset != entry.offset { mismatches.append((entry.offset, lastOffset)) }
            if !verifyOnly { output.line("offset: \(entry.offset) position: \(entry.position)") }
        }
        if !mismatches.isEmpty {
            output.error("Mismatches in :\(path)")
            for m in mismatches { output.error("  Index offset: \(m.indexOffset), log offset: \(m.logOffset)") }
        }
    }

    /// Time index: 12-byte entries, timestamp i64 + relative offset u32, big-endian.
    func dumpTimeIndex(path: String) throws {
        let baseOffset = try Self.baseOffset(ofFile: path)
        let entries = try Self.entries(path: path, width: 12).map { buffer -> (timestamp: Int64, offset: Int64) in
            (buffer.getInteger(at: 0, as: Int64.self)!, baseOffset + Int64(buffer.getInteger(at: 8, as: UInt32.self)!))
        }
        if sanityCheckOnly {
            if let problem = Self.sanityProblem(offsets: entries.map(\.offset), baseOffset: baseOffset)
                ?? Self.timestampProblem(entries.map(\.timestamp)) {
                output.error("\(path) failed sanity check: \(problem)")
            } else {
                output.line("\(path) passed sanity check.")
            }
            return
        }
        let log = try SegmentFileReader(path: Self.logPath(for: path))
        var previous = Int64(-1)
        var cursor = BatchCursor()
        for (i, entry) in entries.enumerated() {
            if i > 0, entry.offset == baseOffset { break }
            if let batch = try cursor.batch(in: log, endingAt: entry.offset) {
                if batch.maxTimestamp != entry.timestamp {
                    output.error("Found timestamp mismatch in :\(path)")
                    output.error("  Index timestamp: \(entry.timestamp), log timestamp: \(batch.maxTimestamp)")
                }
            } else {
                output.error("The following indexed offsets are not found in the log.")
                output.error("Indexed offset: \(entry.offset), found log offset: -1")
            }
            if previous >= entry.timestamp {
                output.error("Found out of order timestamp in :\(path)")
                output.error("  Index timestamp: \(entry.timestamp), Previously indexed timestamp: \(previous)")
            }
            if !verifyOnly { output.line("timestamp: \(entry.timestamp) offset: \(entry.offset)") }
            previous = entry.timestamp
        }
    }

    // MARK: - Helpers

    static func baseOffset(ofFile path: String) throws -> Int64 {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let stem = name.split(separator: ".").first, let offset = Int64(stem), offset >= 0 else {
            throw DumpLogError.badFileName(path)
        }
        return offset
    }

    static func logPath(for indexPath: String) -> String {
        guard let dot = indexPath.lastIndex(of: ".") else { return indexPath + ".log" }
        return String(indexPath[..<dot]) + ".log"
    }

    /// The whole entries of an index file; a partial trailing entry is ignored, as Kafka does.
    static func entries(path: String, width: Int) throws -> [ByteBuffer] {
        let file = try SegmentFileReader(path: path)
        var all = try file.read(at: 0, length: file.size)
        var entries: [ByteBuffer] = []
        while let entry = all.readSlice(length: width) { entries.append(entry) }
        return entries
    }

    static func sanityProblem(offsets: [Int64], baseOffset: Int64) -> String? {
        for (i, offset) in offsets.enumerated() {
            if offset < baseOffset { return "entry \(i) has offset \(offset) below the base offset \(baseOffset)" }
            if i > 0, offset <= offsets[i - 1] { return "entry \(i) (offset \(offset)) is not above entry \(i - 1)" }
        }
        return nil
    }

    static func timestampProblem(_ timestamps: [Int64]) -> String? {
        for i in timestamps.indices.dropFirst() where timestamps[i] < timestamps[i - 1] {
            return "entry \(i) has timestamp \(timestamps[i]) below entry \(i - 1)'s \(timestamps[i - 1])"
        }
        return nil
    }

}

/// Walks a log forward once to find the batches that end at increasing offsets, so checking
/// every time index entry costs one pass over the log.
private struct BatchCursor {
    private var position = 0

    mutating func batch(in log: borrowing SegmentFileReader, endingAt offset: Int64) throws -> RecordBatchHeader? {
        while let batch = try log.batch(at: position, limit: log.size),
              let header = RecordBatchHeader.peek(batch, at: batch.readerIndex) {
            if header.lastOffset >= offset { return header.lastOffset == offset ? header : nil }
            position += header.totalSize
        }
        return nil
    }
}
