import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore

/// ListOffsets by timestamp at record granularity, as Kafka's `FileRecords.searchForTimestamp`
/// and (for -3) `RecordBatch.offsetOfMaxTimestamp`.
@Suite struct TimestampLookupTests {
    @Test(arguments: [CompressionCodec.none, .gzip, .zstd])
    func targetInsideAMultiRecordBatchReturnsThatRecord(codec: CompressionCodec) throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(timestamps: [1000, 1010, 1020, 1030, 1040], compression: codec), leaderEpoch: 4)
        _ = try log.append(TestBatch.make(timestamps: [1050, 1060], compression: codec), leaderEpoch: 4)
        #expect(try log.offsetForTimestamp(1015) == TimestampAndOffset(timestamp: 1020, offset: 2, leaderEpoch: 4))
        #expect(try log.offsetForTimestamp(1030) == TimestampAndOffset(timestamp: 1030, offset: 3, leaderEpoch: 4))
        #expect(try log.offsetForTimestamp(999) == TimestampAndOffset(timestamp: 1000, offset: 0, leaderEpoch: 4))
        #expect(try log.offsetForTimestamp(1041) == TimestampAndOffset(timestamp: 1050, offset: 5, leaderEpoch: 4))
        #expect(try log.offsetForTimestamp(1055) == TimestampAndOffset(timestamp: 1060, offset: 6, leaderEpoch: 4))
        #expect(try log.offsetForTimestamp(1061) == nil)
    }

    @Test(arguments: [CompressionCodec.none, .zstd])
    func outOfOrderTimestampsGiveTheFirstRecordAtOrAfterTheTarget(codec: CompressionCodec) throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(timestamps: [1000, 1500, 1200], compression: codec), leaderEpoch: 0)
        // The first record with timestamp ≥ 1100 is offset 1 (1500), not the closer 1200 at offset 2.
        #expect(try log.offsetForTimestamp(1100) == TimestampAndOffset(timestamp: 1500, offset: 1, leaderEpoch: 0))
        #expect(try log.offsetForTimestamp(1500) == TimestampAndOffset(timestamp: 1500, offset: 1, leaderEpoch: 0))
    }

    @Test(arguments: [CompressionCodec.none, .gzip])
    func recordsBeforeTheLogStartOffsetDoNotCount(codec: CompressionCodec) throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(timestamps: [1000, 1500, 1001], compression: codec), leaderEpoch: 0)
        _ = try log.append(TestBatch.make(timestamps: [1200, 1600], compression: codec), leaderEpoch: 0)
        #expect(try log.offsetForTimestamp(1100)?.offset == 1)
        #expect(try log.deleteRecords(before: 2) == 2)
        // Batch 0...2 has maxTimestamp 1500, but its only record at or after offset 2 is at 1001.
        #expect(try log.offsetForTimestamp(1100) == TimestampAndOffset(timestamp: 1200, offset: 3, leaderEpoch: 0))
        #expect(try log.offsetForTimestamp(0) == TimestampAndOffset(timestamp: 1001, offset: 2, leaderEpoch: 0))
        #expect(try log.offsetForTimestamp(1550) == TimestampAndOffset(timestamp: 1600, offset: 4, leaderEpoch: 0))
    }

    @Test func targetBeforeTheLogStartOffsetInAnEarlierSegmentIsSkipped() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(timestamps: [1000, 1010, 1020, 1030]), leaderEpoch: 0)
        try log.roll()
        _ = try log.append(TestBatch.make(timestamps: [1040, 1050]), leaderEpoch: 0)
        try log.deleteRecords(before: 3)
        #expect(log.logStartOffset == 3)
        #expect(try log.offsetForTimestamp(900) == TimestampAndOffset(timestamp: 1030, offset: 3, leaderEpoch: 0))
        #expect(try log.offsetForTimestamp(1035) == TimestampAndOffset(timestamp: 1040, offset: 4, leaderEpoch: 0))
    }

    @Test(arguments: [CompressionCodec.none, .gzip, .zstd])
    func maxTimestampQueryReturnsTheRecordCarryingIt(codec: CompressionCodec) throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(timestamps: [1000, 1100]), leaderEpoch: 1)
        let info = try log.append(TestBatch.make(timestamps: [1050, 1900, 1200, 1300], compression: codec), leaderEpoch: 1)
        _ = try log.append(TestBatch.make(timestamps: [1400, 1900, 1500], compression: codec), leaderEpoch: 2)
        // The append reports the batch (its last offset), as Kafka's shallow offset of max timestamp.
        #expect(info.maxTimestamp == 1900)
        #expect(info.offsetOfMaxTimestamp == 5)
        // ListOffsets -3 finds the first record with the max timestamp: offset 3, not the batch's last (5).
        let expected = TimestampAndOffset(timestamp: 1900, offset: 3, leaderEpoch: 1)
        #expect(try log.offsetForTimestamp(TimestampAndOffset.maxTimestamp) == expected)
        // Also from a reopened log, whose max timestamp comes from the time index.
        try log.close()
        let reopened = try fixture.open(clean: true)
        #expect(try reopened.offsetForTimestamp(TimestampAndOffset.maxTimestamp) == expected)
        try reopened.close()
        let recovered = try fixture.open(clean: false)
        #expect(try recovered.offsetForTimestamp(TimestampAndOffset.maxTimestamp) == expected)
    }

    @Test func logAppendTimeBatchesAnswerWithoutDecoding() throws {
        let fixture = LogFixture(["message.timestamp.type": "LogAppendTime"])
        let log = try fixture.open()
        fixture.clock.set(milliseconds: 5_000)
        _ = try log.append(TestBatch.make(timestamps: [1, 9_999, 3], compression: .zstd), leaderEpoch: 0)
        fixture.clock.set(milliseconds: 6_000)
        _ = try log.append(TestBatch.make(timestamps: [7, 8, 9]), leaderEpoch: 0)
        // Every record carries the batch's append time, whatever the producer stamped.
        #expect(try log.offsetForTimestamp(4_000) == TimestampAndOffset(timestamp: 5_000, offset: 0, leaderEpoch: 0))
        #expect(try log.offsetForTimestamp(5_500) == TimestampAndOffset(timestamp: 6_000, offset: 3, leaderEpoch: 0))
        #expect(try log.offsetForTimestamp(TimestampAndOffset.maxTimestamp) == TimestampAndOffset(timestamp: 6_000, offset: 3, leaderEpoch: 0))
        try log.deleteRecords(before: 4)
        #expect(try log.offsetForTimestamp(4_000) == TimestampAndOffset(timestamp: 6_000, offset: 4, leaderEpoch: 0))
    }

    @Test func aBatchThatDoesNotDecodeIsReportedAsCorrupt() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(timestamps: [1000, 2000]), leaderEpoch: 0)
        try log.close()
        // Damage a record length in place and fix the CRC, so only decoding can notice.
        let name = fixture.segmentName(0, .log)
        var bytes = ByteBuffer(bytes: try fixture.directory.bytes(name))
        bytes.setInteger(UInt8(0x7F), at: RecordBatchHeader.size)
        bytes.setInteger(RecordBatchHeader.computeCRC(in: bytes, at: 0)!, at: RecordBatchHeader.crcOffset, endianness: .big)
        try fixture.directory.write(Array(bytes.readableBytesView), to: name)
        let reopened = try fixture.open(clean: true)
        let error = #expect(throws: LogStoreError.self) { try reopened.offsetForTimestamp(1500) }
        guard case .corruptRecord(let reason) = error else {
            Issue.record("expected corruptRecord, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("does not decode"))
    }
}
