import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore

@Suite struct RollRetentionTests {
    @Test func segmentRollsBeforeExceedingSegmentBytes() throws {
        let fixture = LogFixture(["segment.bytes": "1000"])
        let log = try fixture.open()
        let batchSize = TestBatch.make(valueSize: 250).readableBytes
        try fixture.appendBatches(log, count: 10, valueSize: 250)
        let perSegment = 1000 / batchSize
        let infos = log.segmentInfos()
        #expect(infos.count == (10 + perSegment - 1) / perSegment)
        #expect(infos.allSatisfy { $0.sizeInBytes <= 1000 })
        #expect(infos.map(\.baseOffset) == stride(from: 0, to: 10, by: perSegment).map(Int64.init))
        #expect(infos.filter(\.isActive).count == 1 && infos.last!.isActive)
        for info in infos {
            #expect(try fixture.directory.names().contains(LogFileName(baseOffset: info.baseOffset, kind: .log).description))
        }
        #expect(batchOffsets(try readAll(log)).count == 10)
    }

    @Test func segmentRollsWhenSegmentMsHasPassedSinceItsFirstBatch() throws {
        let fixture = LogFixture(["segment.ms": "1000"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 1)
        fixture.clock.advance(by: 600)
        try fixture.appendBatches(log, count: 1)
        #expect(log.segmentCount == 1)
        fixture.clock.advance(by: 401)
        try fixture.appendBatches(log, count: 1)
        #expect(log.segmentInfos().map(\.baseOffset) == [0, 2])
        fixture.clock.advance(by: 999)
        try fixture.appendBatches(log, count: 1)
        #expect(log.segmentCount == 2)
        // The rolled segment's time index ends with its max timestamp.
        let timeIndex = try fixture.directory.bytes(fixture.segmentName(0, .timeIndex))
        let last = ByteBuffer(bytes: timeIndex.suffix(12))
        #expect(last.getInteger(at: 0, endianness: .big, as: Int64.self) == fixture.clock.milliseconds() - 999 - 401)
    }

    @Test func rollMovesTheRecoveryPointToTheNewSegment() throws {
        let fixture = LogFixture(["segment.bytes": "300"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 6, valueSize: 100)
        let active = log.segmentInfos().last!.baseOffset
        #expect(active > 0 && log.recoveryPoint == active)
    }

    @Test func offsetsThatOverflowARelativeOffsetRollANewSegment() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(baseOffset: 0), leaderEpoch: 0, origin: .replica)
        let far = Int64(Int32.max) + 10
        _ = try log.append(TestBatch.make(baseOffset: far), leaderEpoch: 0, origin: .replica)
        #expect(log.segmentInfos().map(\.baseOffset) == [0, far])
        #expect(batchOffsets(try log.read(from: 1, maxBytes: 1000)) == [far...far])
    }

    @Test func retentionMsDeletesOldSegmentsAndAdvancesTheLogStart() throws {
        let fixture = LogFixture(["segment.bytes": "400", "retention.ms": "10000"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 6, valueSize: 100)   // old data
        fixture.clock.advance(by: 8000)
        try log.roll()
        let firstNew = log.logEndOffset
        try fixture.appendBatches(log, count: 2, valueSize: 100)   // newer data
        fixture.clock.advance(by: 3000)
        #expect(try log.deleteRetentionMsBreachedSegments() > 0)
        #expect(log.logStartOffset == firstNew)
        #expect(log.segmentInfos().first!.baseOffset == firstNew)
        #expect(throws: LogStoreError.self) { try log.read(from: 0, maxBytes: 100) }
        #expect(batchOffsets(try readAll(log)).first == firstNew...firstNew)
        // Later everything expires: the active segment is rolled first, the log stays usable.
        fixture.clock.advance(by: 20000)
        _ = try log.deleteRetentionMsBreachedSegments()
        #expect(log.logStartOffset == log.logEndOffset)
        #expect(log.segmentCount == 1 && log.size == 0)
        let info = try fixture.appendBatches(log, count: 1)[0]
        #expect(info.firstOffset == firstNew + 2)
    }

    @Test func retentionBytesDeletesOldestSegmentsWhileTooBig() throws {
        let fixture = LogFixture(["segment.bytes": "500", "retention.bytes": "1200"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 20, valueSize: 100)
        let before = log.segmentInfos()
        #expect(try log.deleteRetentionSizeBreachedSegments() > 0)
        let after = log.segmentInfos()
        #expect(log.size <= 1200 + before.last!.sizeInBytes)
        #expect(after.first!.baseOffset == log.logStartOffset)
        #expect(after.last == before.last)
        // Deleting one more would go below the limit.
        #expect(log.size - after.first!.sizeInBytes < 1200)
    }

    @Test func retentionNeverPassesTheHighWatermark() throws {
        let fixture = LogFixture(["segment.bytes": "400", "retention.ms": "100"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 10, valueSize: 100)
        fixture.clock.advance(by: 1000)
        _ = try log.deleteRetentionMsBreachedSegments(highWatermark: 0)
        #expect(log.logStartOffset == 0)
    }

    @Test func deleteRecordsAdvancesLogStartAndDeletesWholeSegmentsBelowIt() throws {
        let fixture = LogFixture(["segment.bytes": "400"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 12, valueSize: 100)
        let secondSegment = log.segmentInfos()[1].baseOffset
        #expect(try log.deleteRecords(before: secondSegment + 1) == secondSegment + 1)
        #expect(log.logStartOffset == secondSegment + 1)
        #expect(log.segmentInfos().first!.baseOffset == secondSegment)
        #expect(throws: LogStoreError.offsetOutOfRange(offset: secondSegment, logStartOffset: secondSegment + 1, logEndOffset: 12)) {
            try log.read(from: secondSegment, maxBytes: 1000)
        }
        #expect(try log.read(from: secondSegment + 1, maxBytes: 1000).logStartOffset == secondSegment + 1)
        #expect(try log.offsetForTimestamp(TimestampAndOffset.earliest)?.offset == secondSegment + 1)
        #expect(throws: LogStoreError.self) { try log.deleteRecords(before: 13) }
        #expect(try log.deleteRecords(before: 2) == secondSegment + 1)   // never moves back
    }

    @Test func truncateThenAppendReusesOffsetsWithConsistentIndexes() throws {
        let fixture = LogFixture(["segment.bytes": "600", "index.interval.bytes": "50"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 20, valueSize: 60, epoch: 1)
        try fixture.appendBatches(log, count: 5, valueSize: 60, epoch: 2)
        #expect(try log.truncate(to: 7))
        #expect(log.logEndOffset == 7)
        #expect(log.leaderEpochEntries == [EpochEntry(epoch: 1, startOffset: 0)])
        #expect(log.segmentInfos().allSatisfy { $0.baseOffset <= 7 })
        let infos = try fixture.appendBatches(log, count: 10, valueSize: 60, epoch: 3)
        #expect(infos.map(\.firstOffset) == Array(7..<17))
        #expect(batchOffsets(try readAll(log)).map(\.lowerBound) == Array(0..<17))
        for offset in Int64(0)..<17 {
            #expect(batchOffsets(try log.read(from: offset, maxBytes: 1)).first == offset...offset)
        }
        // The indexes on disk pass the loader's sanity check without a rebuild.
        try log.close()
        let reopened = try fixture.open(clean: true)
        #expect(!fixture.logs.messages.contains { $0.message.contains("Rebuilding") })
        #expect(reopened.logEndOffset == 17)
        #expect(try reopened.truncate(to: 17) == false)
    }

    @Test func truncateInsideABatchRemovesTheWholeBatch() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(count: 5), leaderEpoch: 0)
        _ = try log.append(TestBatch.make(count: 5), leaderEpoch: 0)
        try log.truncate(to: 7)
        #expect(log.logEndOffset == 5)
    }

    @Test func truncateFullyStartsAnEmptyLogAtTheOffset() throws {
        let fixture = LogFixture(["segment.bytes": "400"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 10, valueSize: 100)
        try log.truncateFullyAndStartAt(100)
        #expect(log.logStartOffset == 100 && log.logEndOffset == 100 && log.segmentCount == 1)
        #expect(try fixture.directory.names().filter { $0.hasSuffix(".log") } == ["00000000000000000100.log"])
        #expect(try fixture.appendBatches(log, count: 1)[0].firstOffset == 100)
    }

    @Test func flushMessagesMovesTheRecoveryPoint() throws {
        let fixture = LogFixture(["flush.messages": "3"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 2)
        #expect(log.recoveryPoint == 0)
        try fixture.appendBatches(log, count: 1)
        #expect(log.recoveryPoint == 3)
        try fixture.appendBatches(log, count: 1)
        try log.flush()
        #expect(log.recoveryPoint == 4)
    }
}

@Suite struct IndexLimitTests {
    @Test func fullIndexRollsTheSegment() throws {
        let fixture = LogFixture(["segment.index.bytes": "48", "index.interval.bytes": "0"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 30)
        let infos = log.segmentInfos()
        #expect(infos.count > 3)
        // 48 bytes hold 6 offset entries and 4 time entries; the time index fills first.
        #expect(infos.allSatisfy { $0.offsetIndexEntries <= 6 && $0.timeIndexEntries <= 5 })
        #expect(batchOffsets(try readAll(log)).map(\.lowerBound) == Array(0..<30))
    }

    @Test func swapFileReplacesTheSegmentsItCovers() throws {
        let fixture = LogFixture(["segment.bytes": "400"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 10, valueSize: 100)
        let bases = log.segmentInfos().map(\.baseOffset)
        try log.close()
        #expect(bases.count >= 3)
        // A "cleaned" segment holding offsets 0, 2 and 5 replaces every segment below 6.
        let kept = TestBatch.concat([0, 2, 5].map { TestBatch.make(baseOffset: $0, valueSize: 100) })
        try fixture.directory.write(Array(kept.readableBytesView), to: "00000000000000000000.log.swap")
        let reopened = try fixture.open(clean: true)
        let infos = reopened.segmentInfos()
        #expect(infos.first?.baseOffset == 0)
        #expect(infos.dropFirst().allSatisfy { $0.baseOffset >= 6 })
        #expect(try !fixture.directory.names().contains { $0.hasSuffix(".swap") })
        let offsets = batchOffsets(try readAll(reopened)).map(\.lowerBound)
        #expect(offsets.prefix(3) == [0, 2, 5])
        #expect(offsets.last == 9)
    }
}
