import Foundation
import KafkaProtocol
import NIOCore
import Testing

/// `wharf dump-log` on segment files built here, checked line by line against the shape of
/// Kafka's kafka-dump-log.sh.
@Suite struct DumpLogTests {
    static func entry(_ key: String?, _ value: String?, headers: [RecordHeader] = [], at timestamp: Int64) -> RecordBatch.Entry {
        RecordBatch.Entry(key: key.map { ByteBuffer(string: $0) }, value: value.map { ByteBuffer(string: $0) },
                          headers: headers, timestamp: timestamp)
    }

    /// Writes batches back to back with consecutive offsets, as a segment holds them.
    static func segment(_ batches: [RecordBatch], compression: [CompressionCodec]) -> ByteBuffer {
        var out = ByteBuffer()
        var next: Int64 = 0
        for (batch, codec) in zip(batches, compression) {
            var b = batch
            b.baseOffset = next
            _ = try! b.encode(to: &out, compression: codec)
            next += Int64(b.records.count)
        }
        return out
    }

    @Test func printsBatchAndRecordLinesLikeKafka() throws {
        let dir = try TemporaryDirectory()
        let first = RecordBatch(records: [
            Self.entry("k1", "v1", headers: [RecordHeader(key: "h1", value: ByteBuffer(string: "x")), RecordHeader(key: "h2", value: nil)], at: 1_700_000_000_000),
            Self.entry(nil, "no key", at: 1_700_000_000_005),
        ], partitionLeaderEpoch: 3)
        let second = RecordBatch(records: [Self.entry("k3", nil, at: 1_700_000_000_010)],
                                 producerId: 42, producerEpoch: 1, baseSequence: 7)
        let bytes = Self.segment([first, second], compression: [.none, .gzip])
        let path = dir.path("00000000000000000000.log")
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))

        let result = try WharfBinary.run(["dump-log", "--print-data-log", path])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let firstHeader = RecordBatchHeader.peek(bytes, at: 0)!
        let secondHeader = RecordBatchHeader.peek(bytes, at: firstHeader.totalSize)!
        #expect(result.lines == [
            "Dumping \(path)",
            "Log starting offset: 0",
            "baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1"
                + " partitionLeaderEpoch: 3 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty"
                + " position: 0 CreateTime: 1700000000005 size: \(firstHeader.totalSize) magic: 2 compresscodec: none"
                + " crc: \(firstHeader.crc) isvalid: true",
            "| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 2 sequence: -1 headerKeys: [h1,h2] key: k1 payload: v1",
            "| offset: 1 CreateTime: 1700000000005 keySize: -1 valueSize: 6 sequence: -1 headerKeys: [] payload: no key",
            "baseOffset: 2 lastOffset: 2 count: 1 baseSequence: 7 lastSequence: 7 producerId: 42 producerEpoch: 1"
                + " partitionLeaderEpoch: -1 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty"
                + " position: \(firstHeader.totalSize) CreateTime: 1700000000010 size: \(secondHeader.totalSize) magic: 2"
                + " compresscodec: gzip crc: \(secondHeader.crc) isvalid: true",
            "| offset: 2 CreateTime: 1700000000010 keySize: 2 valueSize: -1 sequence: 7 headerKeys: [] key: k3",
        ])
    }

    @Test func everyCodecDecompressesInTheDump() throws {
        let dir = try TemporaryDirectory()
        let codecs = CompressionCodec.allCases
        let batches = codecs.map { codec in
            RecordBatch(records: (0..<3).map { Self.entry("key-\($0)", "value-\($0)-\(codec.name)", at: 1_000 + Int64($0)) })
        }
        let path = dir.path("00000000000000000000.log")
        try Data(Self.segment(batches, compression: codecs).readableBytesView).write(to: URL(fileURLWithPath: path))
        let result = try WharfBinary.run(["dump-log", "--print-data-log", path])
        #expect(result.status == 0)
        for codec in codecs {
            #expect(result.lines.contains { $0.contains("compresscodec: \(codec.name) ") && $0.hasSuffix("isvalid: true") })
            #expect(result.lines.contains { $0.hasSuffix("key: key-2 payload: value-2-\(codec.name)") })
        }
        #expect(result.lines.filter { $0.hasPrefix("| offset: ") }.count == 15)
    }

    @Test func corruptBatchPrintsInvalidAndTheDumpGoesOn() throws {
        let dir = try TemporaryDirectory()
        var bytes = Self.segment([
            RecordBatch(records: [Self.entry("a", "1", at: 5)]),
            RecordBatch(records: [Self.entry("b", "2", at: 6)]),
        ], compression: [.none, .none])
        // Flip a byte inside the first batch's value (covered by the CRC), then add a torn tail.
        let firstSize = RecordBatchHeader.peek(bytes, at: 0)!.totalSize
        bytes.setInteger(UInt8(0x7A), at: firstSize - 2)
        bytes.writeBytes([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0])
        let path = dir.path("00000000000000000100.log")
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))

        let result = try WharfBinary.run(["dump-log", "--print-data-log", path])
        #expect(result.status == 0)
        let batchLines = result.lines.filter { $0.hasPrefix("baseOffset:") }
        #expect(batchLines.count == 2)
        #expect(batchLines.first?.hasSuffix("isvalid: false") == true)
        #expect(batchLines.last?.hasSuffix("isvalid: true") == true)
        #expect(result.lines.contains("| offset: 1 CreateTime: 6 keySize: 1 valueSize: 1 sequence: -1 headerKeys: [] key: b payload: 2"))
        #expect(result.lines.contains("Found 11 invalid bytes at the end of 00000000000000000100.log"))
        #expect(result.lines.contains("Log starting offset: 100"))
        #expect(result.stderr.contains("crc"))
    }

    @Test func transactionMarkerPrintsItsType() throws {
        let dir = try TemporaryDirectory()
        var bytes = ByteBuffer()
        let marker = RecordBatch.endTransactionMarker(
            EndTransactionMarker(type: .commit, coordinatorEpoch: 5), producerId: 9, producerEpoch: 2,
            baseOffset: 0, timestamp: 77, partitionLeaderEpoch: 1)
        _ = try marker.encode(to: &bytes, compression: CompressionCodec.none)
        let path = dir.path("00000000000000000000.log")
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
        let result = try WharfBinary.run(["dump-log", "--print-data-log", path])
        #expect(result.lines.contains { $0.contains("isTransactional: true isControl: true") })
        #expect(result.lines.contains { $0.hasPrefix("| offset: 0 CreateTime: 77") && $0.hasSuffix("endTxnMarker: COMMIT coordinatorEpoch: 5") })
    }

    @Test func missingFileAndBadArgumentsFailClearly() throws {
        let missing = try WharfBinary.run(["dump-log", "/nonexistent/00000000000000000000.log"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open /nonexistent/00000000000000000000.log"))
        let none = try WharfBinary.run(["dump-log"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("Name at least one segment file"))
        let unknown = try WharfBinary.run(["dump-log", "/tmp/notes.txt"])
        #expect(unknown.stderr.contains("Ignoring unknown file /tmp/notes.txt"))
    }
}
