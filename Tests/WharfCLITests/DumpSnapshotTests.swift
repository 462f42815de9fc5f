import Foundation
import KafkaProtocol
import NIOCore
import Testing

/// `wharf dump-log` on producer state `.snapshot` files, in the shape of Kafka's
/// `DumpLogSegments.dumpProducerIdSnapshot`.
@Suite struct DumpSnapshotTests {
    /// A snapshot written byte by byte from the format (version 1, CRC-32C from offset 6,
    /// count, 46-byte entries), independent of LogStore's writer.
    static func snapshotBytes(_ entries: [(pid: Int64, epoch: Int16, lastSeq: Int32, lastOffset: Int64, delta: Int32,
                                           timestamp: Int64, coordinatorEpoch: Int32, txnFirstOffset: Int64)]) -> [UInt8] {
        var body = ByteBuffer()
        body.writeInteger(Int32(entries.count))
        for e in entries {
            body.writeInteger(e.pid)
            body.writeInteger(e.epoch)
            body.writeInteger(e.lastSeq)
            body.writeInteger(e.lastOffset)
            body.writeInteger(e.delta)
            body.writeInteger(e.timestamp)
            body.writeInteger(e.coordinatorEpoch)
            body.writeInteger(e.txnFirstOffset)
        }
        var file = ByteBuffer()
        file.writeInteger(Int16(1))
        file.writeInteger(CRC32C.checksum(Array(body.readableBytesView)))
        file.writeBuffer(&body)
        return Array(file.readableBytesView)
    }

    @Test func printsOneLinePerProducerLikeKafka() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("00000000000000000042.snapshot")
        let bytes = Self.snapshotBytes([
            (pid: 1000, epoch: 2, lastSeq: 9, lastOffset: 41, delta: 4, timestamp: 1_700_000_000_123, coordinatorEpoch: -1, txnFirstOffset: -1),
            (pid: 1001, epoch: 0, lastSeq: -1, lastOffset: -1, delta: 0, timestamp: 1_700_000_000_456, coordinatorEpoch: 3, txnFirstOffset: 30),
        ])
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try WharfBinary.run(["dump-log", path])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.lines == [
            "Dumping \(path)",
            "producerId: 1000 producerEpoch: 2 coordinatorEpoch: -1 currentTxnFirstOffset: OptionalLong.empty"
                + " lastTimestamp: 1700000000123 firstSequence: 5 lastSequence: 9 lastOffset: 41 offsetDelta: 4 timestamp: 1700000000123",
            "producerId: 1001 producerEpoch: 0 coordinatorEpoch: 3 currentTxnFirstOffset: OptionalLong[30]"
                + " lastTimestamp: 1700000000456 ",
        ])
    }

    @Test func aCorruptSnapshotIsReportedOnStandardError() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("00000000000000000007.snapshot")
        var bytes = Self.snapshotBytes([
            (pid: 5, epoch: 0, lastSeq: 0, lastOffset: 6, delta: 0, timestamp: 1, coordinatorEpoch: -1, txnFirstOffset: -1),
        ])
        bytes[15] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try WharfBinary.run(["dump-log", path])
        #expect(result.status == 1)
        #expect(result.lines == ["Dumping \(path)"])
        #expect(result.stderr.contains("corrupt producer snapshot \(path): CRC is no longer valid"))

        let short = dir.path("00000000000000000008.snapshot")
        try Data([0, 1, 2]).write(to: URL(fileURLWithPath: short))
        let shortResult = try WharfBinary.run(["dump-log", short])
        #expect(shortResult.status == 1)
        #expect(shortResult.stderr.contains("too short for a snapshot header"))
    }
}
