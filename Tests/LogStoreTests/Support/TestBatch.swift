// Test support: builds valid, uncompressed record batches v2 (to be replaced by
// KafkaProtocol's encoder), temporary directories, and a log-capturing handler.
import Foundation
import KafkaProtocol
import Logging
import NIOCore
@testable import LogStore

enum TestBatch {
    /// One uncompressed batch with `count` records of `valueSize` bytes each. Record i has
    /// timestamp `timestamp + i`; the CRC is valid.
    static func make(baseOffset: Int64 = 0, count: Int = 1, valueSize: Int = 10, timestamp: Int64 = 1_700_000_000_000,
                     partitionLeaderEpoch: Int32 = -1, fill: UInt8 = 0x61) -> ByteBuffer {
        var records = ByteBuffer()
        for i in 0..<count {
            var body = ByteBuffer()
            body.writeInteger(Int8(0))                          // attributes
            writeVarint(&body, Int64(i))                        // timestamp delta
            writeVarint(&body, Int64(i))                        // offset delta
            writeVarint(&body, -1)                              // null key
            writeVarint(&body, Int64(valueSize))
            body.writeRepeatingByte(fill, count: valueSize)
            writeVarint(&body, 0)                               // no headers
            writeVarint(&records, Int64(body.readableBytes))
            records.writeBuffer(&body)
        }
        let header = RecordBatchHeader(
            baseOffset: baseOffset, batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + records.readableBytes),
            partitionLeaderEpoch: partitionLeaderEpoch, lastOffsetDelta: Int32(count - 1),
            baseTimestamp: timestamp, maxTimestamp: timestamp + Int64(count - 1), recordsCount: Int32(count))
        var batch = ByteBuffer()
        header.write(to: &batch)
        batch.writeBuffer(&records)
        let crc = RecordBatchHeader.computeCRC(in: batch, at: 0)!
        batch.setInteger(crc, at: RecordBatchHeader.crcOffset, endianness: .big)
        return batch
    }

    static func concat(_ batches: [ByteBuffer]) -> ByteBuffer {
        var all = ByteBuffer()
        for var batch in batches { all.writeBuffer(&batch) }
        return all
    }

    static func writeVarint(_ buffer: inout ByteBuffer, _ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            buffer.writeInteger(UInt8(zigzag & 0x7F | 0x80))
            zigzag >>= 7
        }
        buffer.writeInteger(UInt8(zigzag))
    }

    /// Reads a zigzag varint at `index`, returning the value and the index after it.
    static func readVarint(_ buffer: ByteBuffer, at index: Int) -> (Int64, Int)? {
        var result: UInt64 = 0, shift: UInt64 = 0, index = index
        while let byte = buffer.getInteger(at: index, as: UInt8.self), shift < 64 {
            result |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 { return (Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1), index) }
            shift += 7
        }
        return nil
    }

    /// The value of the first record of the uncompressed batch at absolute `index`.
    static func firstRecordValue(_ buffer: ByteBuffer, batchAt index: Int) -> ByteBuffer? {
        guard var (_, i) = readVarint(buffer, at: index + RecordBatchHeader.size) else { return nil }   // record length
        i += 1                                                                                          // attributes
        guard let (_, afterTimestamp) = readVarint(buffer, at: i),
              let (_, afterOffset) = readVarint(buffer, at: afterTimestamp),
              let (keyLength, afterKeyLength) = readVarint(buffer, at: afterOffset) else { return nil }
        let valueAt = afterKeyLength + Int(max(0, keyLength))
        guard let (valueLength, valueStart) = readVarint(buffer, at: valueAt), valueLength >= 0 else { return nil }
        return buffer.getSlice(at: valueStart, length: Int(valueLength))
    }

    /// Headers of every batch in `buffer`, with their positions.
    static func headers(_ buffer: ByteBuffer) -> [(position: Int, header: RecordBatchHeader)] {
        var result: [(Int, RecordBatchHeader)] = []
        var position = buffer.readerIndex
        while let header = RecordBatchHeader.peek(buffer, at: position), header.totalSize > 0,
              position + header.totalSize <= buffer.writerIndex {
            result.append((position - buffer.readerIndex, header))
            position += header.totalSize
        }
        return result
    }
}

/// A unique temporary directory, removed by `remove()` (call it in a `defer`).
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "logstore") {
        let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array("\(base)wharf-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func write(_ bytes: [UInt8], to name: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: file(name))) }

    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// A swift-log handler that keeps every message, for tests that check what was logged.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Logger.Level, String)] = []

    func append(_ level: Logger.Level, _ message: String) {
        lock.lock(); defer { lock.unlock() }
        entries.append((level, message))
    }

    var messages: [(level: Logger.Level, message: String)] {
        lock.lock(); defer { lock.unlock() }
        return entries
    }

    var logger: Logger {
        Logger(label: "wharf.logstore") { _ in CapturingHandler(sink: self) }
    }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.append(event.level, event.message.description)
        }
    }
}

extension LogConfig {
    /// Defaults with some overrides, for brevity in tests.
    static func test(_ overrides: [String: String] = [:]) -> LogConfig {
        try! LogConfig(properties: overrides)
    }
}

/// Offsets of the batches in a read, as (base, last) pairs.
func batchOffsets(_ result: LogReadResult) -> [ClosedRange<Int64>] {
    TestBatch.headers(result.records).map { $0.header.baseOffset...$0.header.lastOffset }
}

/// Reads the whole log from its start (a read stops at a segment's end, so loop).
func readAll(_ log: PartitionLog) throws -> LogReadResult {
    var result = try log.read(from: log.logStartOffset, maxBytes: Int(Int32.max))
    var all = result.records
    while let last = TestBatch.headers(result.records).last?.header, last.nextOffset < log.logEndOffset {
        result = try log.read(from: last.nextOffset, maxBytes: Int(Int32.max))
        var more = result.records
        all.writeBuffer(&more)
    }
    result.records = all
    return result
}
