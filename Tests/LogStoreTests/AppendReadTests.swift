import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore

@Suite struct AppendReadTests {
    @Test func appendedBatchesReadBackByteForByteWithAssignedOffsets() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let input = [TestBatch.make(count: 3), TestBatch.make(count: 1, valueSize: 100), TestBatch.make(count: 5)]
        var infos: [LogAppendInfo] = []
        for batch in input { infos.append(try log.append(batch, leaderEpoch: 7)) }
        #expect(infos.map(\.firstOffset) == [0, 3, 4])
        #expect(infos.map(\.lastOffset) == [2, 3, 8])
        #expect(infos.map(\.recordCount) == [3, 1, 5])
        #expect(log.logEndOffset == 9)

        let result = try log.read(from: 0, maxBytes: 1 << 20)
        #expect(batchOffsets(result) == [0...2, 3...3, 4...8])
        #expect(result.logStartOffset == 0 && result.logEndOffset == 9)
        // Bytes equal the input with the base offset and epoch stamped (outside the CRC).
        var expected = TestBatch.concat(input)
        for (position, header) in TestBatch.headers(result.records) {
            RecordBatchHeader.stamp(&expected, at: position, baseOffset: header.baseOffset, partitionLeaderEpoch: 7)
            #expect(RecordBatchHeader.crcIsValid(in: result.records, at: position))
        }
        #expect(Array(result.records.readableBytesView) == Array(expected.readableBytesView))
    }

    @Test(arguments: [CompressionCodec.gzip, .zstd, .lz4, .snappy])
    func compressedBatchesAppendAndReadBackDecodable(codec: CompressionCodec) throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let input = [TestBatch.make(count: 3, valueSize: 200, fill: 0x41, compression: codec),
                     TestBatch.make(count: 1, valueSize: 50, fill: 0x42),
                     TestBatch.make(count: 4, valueSize: 300, timestamp: 2_000, fill: 0x43, compression: codec)]
        #expect(input[0].readableBytes < 3 * 200)   // really compressed
        let infos = try input.map { try log.append($0, leaderEpoch: 1) }
        #expect(infos.map(\.firstOffset) == [0, 3, 4])
        #expect(infos.map(\.recordCount) == [3, 1, 4])

        let batches = try TestBatch.decodeAll(try readAll(log).records)
        #expect(batches.map(\.compression) == [codec, .none, codec])
        #expect(batches.map(\.baseOffset) == [0, 3, 4])
        #expect(batches.flatMap { batch in batch.records.map { batch.offset(of: $0) } } == Array(0...7))
        #expect(batches[2].records.map { batches[2].timestamp(of: $0) } == [2_000, 2_001, 2_002, 2_003])
        #expect(batches[0].records.allSatisfy { $0.value == ByteBuffer(repeating: 0x41, count: 200) })
        #expect(batches[2].records.allSatisfy { $0.value == ByteBuffer(repeating: 0x43, count: 300) })
        #expect(batches.allSatisfy { $0.header.partitionLeaderEpoch == 1 })
    }

    @Test func readFromAnOffsetInsideABatchReturnsThatWholeBatch() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(count: 4), leaderEpoch: 0)
        _ = try log.append(TestBatch.make(count: 4), leaderEpoch: 0)
        #expect(batchOffsets(try log.read(from: 6, maxBytes: 1 << 20)) == [4...7])
        #expect(batchOffsets(try log.read(from: 2, maxBytes: 1 << 20)) == [0...3, 4...7])
    }

    @Test func readAtLogEndIsEmptyAndPastItIsOutOfRange() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 3)
        #expect(try log.read(from: 3, maxBytes: 1000).records.readableBytes == 0)
        #expect(throws: LogStoreError.offsetOutOfRange(offset: 4, logStartOffset: 0, logEndOffset: 3)) {
            try log.read(from: 4, maxBytes: 1000)
        }
        #expect(throws: LogStoreError.offsetOutOfRange(offset: -1, logStartOffset: 0, logEndOffset: 3)) {
            try log.read(from: -1, maxBytes: 1000)
        }
    }

    @Test func maxBytesCutsAtWholeBatchesButMinOneMessageReturnsTheFirst() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 5, valueSize: 200)
        let size = TestBatch.make(valueSize: 200).readableBytes
        #expect(batchOffsets(try log.read(from: 0, maxBytes: size * 2 + size / 2)) == [0...0, 1...1])
        #expect(batchOffsets(try log.read(from: 1, maxBytes: 10, minOneMessage: true)) == [1...1])
        #expect(try log.read(from: 1, maxBytes: 10, minOneMessage: false).records.readableBytes == 0)
    }

    @Test func maxOffsetExcludesBatchesAtOrPastIt() throws {
        let fixture = LogFixture(["segment.bytes": "400"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 10, valueSize: 50)
        #expect(log.segmentCount > 2)
        #expect(batchOffsets(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 3)) == [0...0, 1...1, 2...2])
        #expect(try log.read(from: 5, maxBytes: 1 << 20, maxOffset: 5).records.readableBytes == 0)
        let upToSeven = batchOffsets(try log.read(from: 4, maxBytes: 1 << 20, maxOffset: 7))
        #expect(upToSeven.allSatisfy { $0.upperBound < 7 } && upToSeven.first == 4...4)
    }

    @Test func everyOffsetIsFoundAcrossSegmentBoundariesAndIndexEntries() throws {
        let fixture = LogFixture(["segment.bytes": "2000", "index.interval.bytes": "150"])
        let log = try fixture.open()
        for i in 0..<60 { _ = try log.append(TestBatch.make(count: 1 + i % 3, valueSize: 20 + i), leaderEpoch: 0) }
        let infos = log.segmentInfos()
        #expect(infos.count > 3)
        #expect(infos.contains { $0.offsetIndexEntries > 2 })
        for offset in 0..<log.logEndOffset {
            let first = try #require(batchOffsets(try log.read(from: offset, maxBytes: 1)).first)
            #expect(first.contains(offset), "offset \(offset) read batch \(first)")
        }
        // Every index entry maps a batch's last offset to that batch's start position. Index
        // entries reach the file in batches (IndexFileWriter), all of them by a flush.
        try log.flush()
        for info in infos {
            let index = try fixture.directory.bytes(fixture.segmentName(info.baseOffset, .index))
            let logBytes = ByteBuffer(bytes: try fixture.directory.bytes(fixture.segmentName(info.baseOffset, .log)))
            let batches = TestBatch.headers(logBytes)
            #expect(index.count == info.offsetIndexEntries * 8)
            for entry in stride(from: 0, to: index.count, by: 8) {
                let bytes = ByteBuffer(bytes: index[entry..<(entry + 8)])
                let relative = bytes.getInteger(at: 0, endianness: .big, as: UInt32.self)!
                let position = bytes.getInteger(at: 4, endianness: .big, as: UInt32.self)!
                let batch = try #require(batches.first { $0.position == Int(position) })
                #expect(batch.header.lastOffset == info.baseOffset + Int64(relative))
            }
        }
    }

    @Test func indexEntryIsAddedOnlyAfterMoreThanIntervalBytes() throws {
        let fixture = LogFixture(["index.interval.bytes": "1000"])
        let log = try fixture.open()
        let batchSize = TestBatch.make(valueSize: 200).readableBytes
        try fixture.appendBatches(log, count: 40, valueSize: 200)
        try log.flush()
        // Simulate Kafka's rule: an entry before a batch once bytesSinceLastIndexEntry > interval.
        var since = 0, expected: [(Int64, Int)] = []
        for i in 0..<40 {
            if since > 1000 { expected.append((Int64(i), i * batchSize)); since = 0 }
            since += batchSize
        }
        let index = try fixture.directory.bytes(fixture.segmentName(0, .index))
        let actual = stride(from: 0, to: index.count, by: 8).map { entry -> (Int64, Int) in
            let bytes = ByteBuffer(bytes: index[entry..<(entry + 8)])
            return (Int64(bytes.getInteger(at: 0, endianness: .big, as: UInt32.self)!),
                    Int(bytes.getInteger(at: 4, endianness: .big, as: UInt32.self)!))
        }
        #expect(actual.count == expected.count && !actual.isEmpty)
        #expect(zip(actual, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(try fixture.directory.bytes(fixture.segmentName(0, .timeIndex)).count % 12 == 0)
    }

    @Test func batchLargerThanMaxMessageBytesIsRefusedAndNothingIsWritten() throws {
        let fixture = LogFixture(["max.message.bytes": "500"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 1)
        let big = TestBatch.make(valueSize: 600)
        #expect(throws: LogStoreError.recordTooLarge(batchSize: big.readableBytes, maxMessageBytes: 500)) {
            try log.append(TestBatch.concat([TestBatch.make(), big]), leaderEpoch: 0)
        }
        #expect(log.logEndOffset == 1)
        #expect(batchOffsets(try readAll(log)) == [0...0])
        // A replica keeps what its leader accepted.
        _ = try log.append(TestBatch.make(baseOffset: 1, valueSize: 600), leaderEpoch: 0, origin: .replica)
        #expect(log.logEndOffset == 2)
    }

    @Test func invalidBatchesAreRejected() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        var badCRC = TestBatch.make()
        badCRC.setInteger(UInt8(0x7A), at: badCRC.writerIndex - 3)
        #expect(throws: LogStoreError.self) { try log.append(badCRC, leaderEpoch: 0) }
        var torn = TestBatch.make()
        torn.moveWriterIndex(to: torn.writerIndex - 1)
        #expect(throws: LogStoreError.self) { try log.append(torn, leaderEpoch: 0) }
        var wrongCount = TestBatch.make(count: 2)
        wrongCount.setInteger(Int32(3), at: 57, endianness: .big)
        wrongCount.setInteger(RecordBatchHeader.computeCRC(in: wrongCount, at: 0)!, at: 17, endianness: .big)
        #expect(throws: LogStoreError.self) { try log.append(wrongCount, leaderEpoch: 0) }
        #expect(log.logEndOffset == 0)
        #expect(throws: LogStoreError.unexpectedAppendOffset(firstOffset: 0, logEndOffset: 6)) {
            _ = try log.append(TestBatch.make(baseOffset: 5), leaderEpoch: 0, origin: .replica)
            _ = try log.append(TestBatch.make(baseOffset: 0), leaderEpoch: 0, origin: .replica)
        }
    }

    @Test func logAppendTimeStampsNowAndKeepsTheCRCValid() throws {
        let fixture = LogFixture(["message.timestamp.type": "LogAppendTime"])
        let log = try fixture.open()
        fixture.clock.set(milliseconds: 1_800_000_000_000)
        let info = try log.append(TestBatch.make(count: 3, timestamp: 5), leaderEpoch: 0)
        #expect(info.logAppendTime == 1_800_000_000_000)
        #expect(info.maxTimestamp == 1_800_000_000_000)
        #expect(info.offsetOfMaxTimestamp == 0)
        let records = try readAll(log).records
        let header = try #require(RecordBatchHeader.peek(records, at: 0))
        #expect(header.attributes.timestampType == .logAppendTime)
        #expect(header.maxTimestamp == 1_800_000_000_000)
        #expect(header.baseTimestamp == 5)
        #expect(RecordBatchHeader.crcIsValid(in: records, at: 0))
    }

    @Test func leaderEpochIsStampedCachedAndCheckpointed() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(count: 2), leaderEpoch: 3)
        _ = try log.append(TestBatch.make(count: 2), leaderEpoch: 3)
        _ = try log.append(TestBatch.make(count: 1), leaderEpoch: 5)
        #expect(TestBatch.headers(try readAll(log).records).map(\.header.partitionLeaderEpoch) == [3, 3, 5])
        #expect(log.leaderEpochEntries == [EpochEntry(epoch: 3, startOffset: 0), EpochEntry(epoch: 5, startOffset: 4)])
        #expect(String(decoding: try fixture.directory.bytes("leader-epoch-checkpoint"), as: UTF8.self) == "0\n2\n3 0\n5 4\n")
        #expect(log.endOffset(forLeaderEpoch: 3) == (3, 4))
        #expect(log.endOffset(forLeaderEpoch: 4) == (3, 4))
        #expect(log.endOffset(forLeaderEpoch: 5) == (5, 5))
        #expect(log.endOffset(forLeaderEpoch: 2) == (2, 0))
        #expect(log.endOffset(forLeaderEpoch: 9) == (-1, -1))
        try log.truncate(to: 4)
        #expect(log.leaderEpochEntries == [EpochEntry(epoch: 3, startOffset: 0)])
        try log.close()
        let reopened = try fixture.open(clean: true)
        #expect(reopened.leaderEpochEntries == [EpochEntry(epoch: 3, startOffset: 0)])
    }

    @Test func offsetForTimestampFindsTheFirstBatchAtOrAfterIt() throws {
        let fixture = LogFixture(["segment.bytes": "500", "index.interval.bytes": "100"])
        let log = try fixture.open()
        for i in 0..<20 { _ = try log.append(TestBatch.make(valueSize: 50, timestamp: 1000 + Int64(i) * 10), leaderEpoch: 2) }
        #expect(log.segmentCount > 3)
        #expect(try log.offsetForTimestamp(1000)?.offset == 0)
        #expect(try log.offsetForTimestamp(1055)?.offset == 6)
        #expect(try log.offsetForTimestamp(1060) == TimestampAndOffset(timestamp: 1060, offset: 6, leaderEpoch: 2))
        #expect(try log.offsetForTimestamp(1190)?.offset == 19)
        #expect(try log.offsetForTimestamp(1191) == nil)
        #expect(try log.offsetForTimestamp(TimestampAndOffset.earliest)?.offset == 0)
        #expect(try log.offsetForTimestamp(TimestampAndOffset.latest)?.offset == 20)
        #expect(try log.offsetForTimestamp(TimestampAndOffset.maxTimestamp) == TimestampAndOffset(timestamp: 1190, offset: 19, leaderEpoch: 2))
    }
}

@Suite struct ConcurrencyTests {
    @Test func concurrentAppendsAndReadsGetContiguousOffsets() async throws {
        let fixture = LogFixture(["segment.bytes": "2000"])
        let log = try fixture.open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<100 {
                        _ = try log.append(TestBatch.make(valueSize: 30), leaderEpoch: 0)
                        _ = try log.read(from: log.logStartOffset, maxBytes: 500)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(log.logEndOffset == 400)
        #expect(batchOffsets(try readAll(log)).map(\.lowerBound) == Array(0..<400))
    }
}
