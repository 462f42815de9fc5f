// Test support: record batches v2 built by KafkaProtocol's encoder (`RecordBatch`), temporary
// directories, and a log-capturing handler.
import Foundation
import KafkaProtocol
import Logging
import NIOCore
@testable import LogStore

enum TestBatch {
    /// One batch with `count` records of `valueSize` bytes each (null keys, no headers),
    /// encoded by `RecordBatch`. Record i has timestamp `timestamp + i`.
    static func make(baseOffset: Int64 = 0, count: Int = 1, valueSize: Int = 10, timestamp: Int64 = 1_700_000_000_000,
                     partitionLeaderEpoch: Int32 = -1, fill: UInt8 = 0x61, compression: CompressionCodec = .none) -> ByteBuffer {
        let value = ByteBuffer(repeating: fill, count: valueSize)
        let entries = (0..<count).map { RecordBatch.Entry(key: nil, value: value, timestamp: timestamp + Int64($0)) }
        return encode(RecordBatch(records: entries, baseOffset: baseOffset, partitionLeaderEpoch: partitionLeaderEpoch), compression)
    }

    /// One batch with a record per timestamp, in that order (timestamps need not increase).
    static func make(timestamps: [Int64], baseOffset: Int64 = 0, valueSize: Int = 10,
                     compression: CompressionCodec = .none) -> ByteBuffer {
        let value = ByteBuffer(repeating: 0x61, count: valueSize)
        let entries = timestamps.map { RecordBatch.Entry(key: nil, value: value, timestamp: $0) }
        return encode(RecordBatch(records: entries, baseOffset: baseOffset), compression)
    }

    static func encode(_ batch: RecordBatch, _ compression: CompressionCodec) -> ByteBuffer {
        do {
            return try batch.encoded(compression: compression)
        } catch {
            fatalError("encoding a test batch failed: \(error)")
        }
    }

    static func concat(_ batches: [ByteBuffer]) -> ByteBuffer {
        var all = ByteBuffer()
        for var batch in batches { all.writeBuffer(&batch) }
        return all
    }

    /// Every batch in `buffer`, decoded (decompressed) by `RecordBatch.decode`.
    static func decodeAll(_ buffer: ByteBuffer) throws -> [RecordBatch] {
        try RecordBatchSequence(buffer).map { try $0.decode() }
    }

    /// The value of the first record of the batch at absolute `index`, decoded (and
    /// decompressed) by `RecordBatch.decode`; nil when the batch does not decode.
    static func firstRecordValue(_ buffer: ByteBuffer, batchAt index: Int) -> ByteBuffer? {
        guard let batch = try? RecordBatch.decode(buffer, at: index) else { return nil }
        return batch.records.first?.value
    }

    /// Headers of every whole batch in `buffer`, with their positions from its reader index.
    static func headers(_ buffer: ByteBuffer) -> [(position: Int, header: RecordBatchHeader)] {
        RecordBatchSequence(buffer).map { ($0.position, $0.header) }
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

extension TestBatch {
    /// One idempotent producer's batch of `count` records: sequences `sequence...sequence+count-1`
    /// (wrapping as Kafka's), timestamps from `timestamp`.
    static func producer(_ producerId: Int64, epoch: Int16 = 0, sequence: Int32, count: Int = 1, baseOffset: Int64 = 0,
                         timestamp: Int64 = 1_700_000_000_000, isTransactional: Bool = false, isControl: Bool = false) -> ByteBuffer {
        let value = ByteBuffer(repeating: 0x70, count: 8)
        let entries = (0..<count).map { RecordBatch.Entry(key: nil, value: value, timestamp: timestamp + Int64($0)) }
        return encode(RecordBatch(records: entries, baseOffset: baseOffset, producerId: producerId, producerEpoch: epoch,
                                  baseSequence: sequence, isTransactional: isTransactional, isControl: isControl), .none)
    }
}
