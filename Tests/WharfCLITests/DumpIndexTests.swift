import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOCore
import Testing

/// `wharf dump-log` on the `.index` and `.timeindex` files LogStore writes, and on damaged ones.
@Suite struct DumpIndexTests {
    /// A closed log of 40 batches, 3 records each, with an index entry every ~300 bytes.
    static func writeLog(in dir: TemporaryDirectory) throws -> String {
        let partition = dir.path("orders-0")
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let log = try PartitionLog.open(
            directory: partition, topicPartition: TopicPartition(topic: "orders", partition: 0),
            config: try LogConfig(properties: ["index.interval.bytes": "300"]), logger: quiet)
        for i in 0..<40 {
            let batch = RecordBatch(records: (0..<3).map {
                RecordBatch.Entry(key: nil, value: ByteBuffer(string: "order \(i)-\($0)"), timestamp: 1_000 + Int64(i * 10 + $0))
            })
            _ = try log.append(try batch.encoded(compression: CompressionCodec.none), leaderEpoch: 0)
        }
        try log.close()
        return partition + "/00000000000000000000"
    }

    @Test func offsetIndexEntriesPointAtTheBatchesTheyName() throws {
        let dir = try TemporaryDirectory()
        let base = try Self.writeLog(in: dir)
        let result = try WharfBinary.run(["dump-log", base + ".index"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let entries = result.lines.filter { $0.hasPrefix("offset: ") }
        #expect(entries.count > 5)
        // Each entry names a batch's last offset: 3 records per batch, so offsets are 2 mod 3.
        #expect(entries.allSatisfy { line in
            Int(line.split(separator: " ")[1]).map { $0 % 3 == 2 } ?? false
        })
        let verify = try WharfBinary.run(["dump-log", "--verify-index-only", base + ".index"])
        #expect(verify.lines == ["Dumping \(base).index"])
        let sanity = try WharfBinary.run(["dump-log", "--index-sanity-check", base + ".index"])
        #expect(sanity.lines.last == "\(base).index passed sanity check.")
    }

    @Test func timeIndexEntriesMatchTheBatchesMaxTimestamps() throws {
        let dir = try TemporaryDirectory()
        let base = try Self.writeLog(in: dir)
        let result = try WharfBinary.run(["dump-log", base + ".timeindex"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let entries = result.lines.filter { $0.hasPrefix("timestamp: ") }
        #expect(entries.count > 5)
        // Batch i holds timestamps 1000+10i … 1000+10i+2 at offsets 3i … 3i+2.
        for line in entries {
            let parts = line.split(separator: " ")
            let timestamp = Int(parts[1])!, offset = Int(parts[3])!
            #expect(timestamp == 1_000 + (offset / 3) * 10 + 2, "\(line)")
        }
    }

    @Test func damagedIndexEntryIsReportedAsAMismatch() throws {
        let dir = try TemporaryDirectory()
        let base = try Self.writeLog(in: dir)
        var index = try Data(contentsOf: URL(fileURLWithPath: base + ".index"))
        index[3] = index[3] &+ 1   // the first entry's relative offset now names no batch end
        try index.write(to: URL(fileURLWithPath: base + ".index"))
        let result = try WharfBinary.run(["dump-log", "--verify-index-only", base + ".index"])
        #expect(result.stderr.contains("Mismatches in :\(base).index"))
        #expect(result.stderr.contains("  Index offset: "))
    }
}
