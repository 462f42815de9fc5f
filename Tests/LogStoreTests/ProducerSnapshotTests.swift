import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore

/// `.snapshot` files and producer state across roll, restart, recovery and truncation
/// (Kafka's `ProducerStateManager` snapshots and `UnifiedLog.rebuildProducerState`).
@Suite struct ProducerSnapshotTests {
    /// Bitwise CRC-32C (reflected polynomial 0x82F63B78), independent of the ISA-L one under test.
    static func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    static func snapshotName(_ offset: Int64) -> String { LogFileName(baseOffset: offset, kind: .producerSnapshot).description }

    @Test func snapshotBytesAreKafkasLayout() throws {
        #expect(Self.referenceCRC32C(Array("123456789".utf8)) == 0xE306_9283)   // the check value of CRC-32C
        let withBatch = ProducerStateEntry(
            producerId: 258, producerEpoch: 3,
            batchMetadata: [BatchMetadata(lastSequence: 9, lastOffset: 20, offsetDelta: 4, timestamp: 1_000)],
            lastTimestamp: 1_000)
        let empty = ProducerStateEntry(producerId: 7, producerEpoch: 0)
        let body: [UInt8] = [
            0x00, 0x00, 0x00, 0x02,                               // entry count
            0, 0, 0, 0, 0, 0, 0, 7,                               // ProducerId 7 (entries in id order)
            0x00, 0x00,                                           // Epoch 0
            0xFF, 0xFF, 0xFF, 0xFF,                               // LastSequence -1
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,       // LastOffset -1
            0x00, 0x00, 0x00, 0x00,                               // OffsetDelta 0
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,       // Timestamp -1
            0xFF, 0xFF, 0xFF, 0xFF,                               // CoordinatorEpoch -1
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,       // CurrentTxnFirstOffset -1
            0, 0, 0, 0, 0, 0, 0x01, 0x02,                         // ProducerId 258
            0x00, 0x03,                                           // Epoch 3
            0x00, 0x00, 0x00, 0x09,                               // LastSequence 9
            0, 0, 0, 0, 0, 0, 0, 0x14,                            // LastOffset 20
            0x00, 0x00, 0x00, 0x04,                               // OffsetDelta 4
            0, 0, 0, 0, 0, 0, 0x03, 0xE8,                         // Timestamp 1000
            0xFF, 0xFF, 0xFF, 0xFF,                               // CoordinatorEpoch -1
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,       // CurrentTxnFirstOffset -1
        ]
        let crc = Self.referenceCRC32C(body)
        let expected: [UInt8] = [0x00, 0x01] + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)] + body
        let encoded = ProducerSnapshotFile.encode([withBatch, empty])
        #expect(Array(encoded.readableBytesView) == expected)
        #expect(expected.count == 6 + 4 + 2 * 46)
        #expect(try ProducerSnapshotFile.decode(encoded, path: "x") == [empty, withBatch])
        // No producers: version, CRC of the count, count 0 (Kafka writes these at every roll).
        let emptyCrc = Self.referenceCRC32C([0, 0, 0, 0])
        #expect(Array(ProducerSnapshotFile.encode([]).readableBytesView)
                == [0x00, 0x01, UInt8(emptyCrc >> 24), UInt8(emptyCrc >> 16 & 0xFF), UInt8(emptyCrc >> 8 & 0xFF), UInt8(emptyCrc & 0xFF), 0, 0, 0, 0])
    }

    @Test func corruptSnapshotBytesAreRefusedWithTheReason() throws {
        let good = Array(ProducerSnapshotFile.encode([ProducerStateEntry(producerId: 1, producerEpoch: 0)]).readableBytesView)
        var flipped = good
        flipped[20] ^= 0x01
        var badVersion = good
        badVersion[1] = 2
        // A count that does not match the entries, under a valid CRC.
        var wrongCount = good
        wrongCount[9] = 2
        let crc = Self.referenceCRC32C(Array(wrongCount[6...]))
        wrongCount.replaceSubrange(2..<6, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        for (bytes, reason) in [(flipped, "CRC"), (Array(good.prefix(4)), "too short"), (badVersion, "version"),
                                (Array(good.dropLast(3)), "CRC"), (wrongCount, "2 entries need 92 bytes, found 46")] {
            #expect {
                try ProducerSnapshotFile.decode(ByteBuffer(bytes: bytes), path: "p.snapshot")
            } throws: { error in
                guard case let .corruptProducerSnapshot(path, why)? = error as? LogStoreError else { return false }
                return path == "p.snapshot" && why.contains(reason)
            }
        }
    }

    @Test func snapshotsAreWrittenAtRollAndAtClose() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.producer(42, epoch: 2, sequence: 0, count: 3, timestamp: 5_000), leaderEpoch: 0)
        try log.roll()
        #expect(log.producerSnapshotOffsets == [3])
        let atRoll = try ProducerSnapshotFile.read(path: fixture.directory.file(Self.snapshotName(3)))
        #expect(atRoll == [ProducerStateEntry(producerId: 42, producerEpoch: 2,
                                              batchMetadata: [BatchMetadata(lastSequence: 2, lastOffset: 2, offsetDelta: 2, timestamp: 5_002)],
                                              lastTimestamp: 5_002)])
        _ = try log.append(TestBatch.producer(42, epoch: 2, sequence: 3, count: 1, timestamp: 6_000), leaderEpoch: 0)
        try log.close()
        let atClose = try ProducerSnapshotFile.read(path: fixture.directory.file(Self.snapshotName(4)))
        #expect(atClose.map(\.lastSequence) == [3])
        #expect(atClose.map(\.lastDataOffset) == [3])
        #expect(try fixture.directory.names().filter { $0.hasSuffix(".snapshot") } == [Self.snapshotName(3), Self.snapshotName(4)])
    }

    /// Six batches of producer 42 over two segments; returns them with their append results.
    static func writeSixBatches(_ log: PartitionLog) throws -> [(batch: ByteBuffer, info: LogAppendInfo)] {
        var written: [(ByteBuffer, LogAppendInfo)] = []
        for i in 0..<6 {
            if i == 3 { try log.roll() }
            let batch = TestBatch.producer(42, epoch: 1, sequence: Int32(i * 2), count: 2)
            written.append((batch, try log.append(batch, leaderEpoch: 0)))
        }
        return written
    }

    @Test func aRetryOfTheLastBatchIsADuplicateAfterACleanRestart() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let written = try Self.writeSixBatches(log)
        try log.close()
        let reopened = try fixture.open(clean: true)
        let retry = try reopened.append(written[5].batch, leaderEpoch: 0)
        #expect(retry.isDuplicate && retry.firstOffset == written[5].info.firstOffset && retry.lastOffset == written[5].info.lastOffset)
        #expect(reopened.logEndOffset == 12)
        // Kafka's snapshot holds only each producer's last batch: an older retry is refused as
        // out of order, never written twice.
        #expect(throws: LogStoreError.self) { try reopened.append(written[4].batch, leaderEpoch: 0) }
        #expect(try reopened.append(TestBatch.producer(42, epoch: 1, sequence: 12), leaderEpoch: 0).firstOffset == 12)
        try reopened.close()
    }

    @Test func everyCachedBatchIsADuplicateAfterACrashWithoutSnapshots() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let written = try Self.writeSixBatches(log)
        log.closeWithoutFlush()   // a crash: no snapshot at the log end
        for name in try fixture.directory.names() where name.hasSuffix(".snapshot") {
            try FileSystem.remove(fixture.directory.file(name))
        }
        let reopened = try fixture.open(clean: false)
        for (batch, info) in written.suffix(5) {
            let retry = try reopened.append(batch, leaderEpoch: 0)
            #expect(retry.isDuplicate && retry.firstOffset == info.firstOffset && retry.lastOffset == info.lastOffset)
        }
        #expect(reopened.logEndOffset == 12)
        // The rebuild left snapshots at both segments' base offsets and at the log end.
        #expect(reopened.producerSnapshotOffsets == [6, 12])
        try reopened.close()
    }

    @Test(arguments: ["flipped byte", "short file"])
    func aCorruptSnapshotIsDeletedAndTheStateRebuiltFromAnOlderOne(damage: String) throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let written = try Self.writeSixBatches(log)
        try log.close()
        let latest = fixture.directory.file(Self.snapshotName(12))
        var bytes = try fixture.directory.bytes(Self.snapshotName(12))
        if damage == "short file" { bytes = Array(bytes.prefix(5)) } else { bytes[12] ^= 0xFF }
        try fixture.directory.write(bytes, to: Self.snapshotName(12))

        let reopened = try fixture.open(clean: damage == "flipped byte")
        #expect(fixture.logs.messages.contains { $0.level == .warning && $0.message.contains("Failed to load producer snapshot \(latest)") })
        // Loaded from the snapshot at the roll (offset 6) and replayed: the batches after it are cached.
        for (batch, info) in written.suffix(3) {
            #expect(try reopened.append(batch, leaderEpoch: 0).firstOffset == info.firstOffset)
        }
        #expect(reopened.logEndOffset == 12)
        #expect(try ProducerSnapshotFile.read(path: latest).map(\.lastSequence) == [11])   // rewritten, valid
        try reopened.close()
    }

    @Test func truncationDropsLaterSnapshotsAndTheirState() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        var batches: [ByteBuffer] = []
        for i in 0..<13 {
            if i == 5 || i == 10 { try log.roll() }
            batches.append(TestBatch.producer(42, sequence: Int32(i)))
            _ = try log.append(batches[i], leaderEpoch: 0)
        }
        #expect(log.producerSnapshotOffsets == [5, 10])
        try log.truncate(to: 7)
        #expect(log.producerSnapshotOffsets == [5, 7])
        let state = try #require(log.producerState(for: 42))
        #expect(state.lastSequence == 6 && state.lastDataOffset == 6)
        // Snapshot 5 holds offset 4's batch (the last before it); 5 and 6 were replayed.
        #expect(state.batchMetadata.map(\.firstOffset) == [4, 5, 6])
        #expect(try log.append(batches[6], leaderEpoch: 0).isDuplicate)
        let again = try log.append(batches[7], leaderEpoch: 0)
        #expect(!again.isDuplicate && again.firstOffset == 7)

        try log.truncateFullyAndStartAt(100)
        #expect(log.producerStates.isEmpty && log.producerSnapshotOffsets.isEmpty)
        #expect(try log.append(batches[3], leaderEpoch: 0).firstOffset == 100)   // unknown again: any sequence
        try log.close()
    }

    @Test func deletedSegmentsTakeTheirSnapshotsAndOldSnapshotsGoAfterACheckpoint() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        for i in 0..<20 {
            if i > 0 && i % 5 == 0 { try log.roll() }
            _ = try log.append(TestBatch.producer(42, sequence: Int32(i)), leaderEpoch: 0)
        }
        #expect(log.producerSnapshotOffsets == [5, 10, 15])
        try log.flush()
        // Keep the last two segments' snapshots (a truncation may reach into the second last).
        #expect(try log.deleteSnapshotsAfterRecoveryPointCheckpoint() == 10)
        #expect(log.producerSnapshotOffsets == [10, 15])
        // DeleteRecords past the first two segments: their snapshots go, the producer stays.
        try log.deleteRecords(before: 12)
        #expect(log.producerSnapshotOffsets == [10, 15])
        try log.deleteRecords(before: 16)
        #expect(log.producerSnapshotOffsets == [15])
        #expect(log.producerState(for: 42)?.lastSequence == 19)
        try log.close()
    }

    @Test func aCleanShutdownWithoutAnySnapshotSkipsTheScanAsKafkaDoes() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let written = try Self.writeSixBatches(log)
        try log.close()
        for name in try fixture.directory.names() where name.hasSuffix(".snapshot") {
            try FileSystem.remove(fixture.directory.file(name))
        }
        // Kafka's upgrade path: no snapshot + clean shutdown → empty state, empty snapshots.
        let reopened = try fixture.open(clean: true)
        #expect(reopened.producerStates.isEmpty)
        #expect(reopened.producerSnapshotOffsets == [6, 12])
        #expect(try !reopened.append(written[5].batch, leaderEpoch: 0).isDuplicate)
        try reopened.close()
    }

    @Test func aLogDirectoryRestartKeepsProducerStateAndTrimsOldSnapshots() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let topicPartition = TopicPartition(topic: "orders", partition: 0)
        // Producer ids expire a day after their batches' timestamps: the clock must agree with them.
        let clock = ManualClock()
        let logDirectory = try LogDirectory(path: directory.path, clock: clock, logger: CapturedLogs().logger)
        let log = try logDirectory.createPartition(topicPartition)
        var last = ByteBuffer()
        for i in 0..<8 {
            if i > 0 && i % 2 == 0 { try log.roll() }
            last = TestBatch.producer(9, sequence: Int32(i), timestamp: clock.milliseconds())
            _ = try log.append(last, leaderEpoch: 0)
        }
        #expect(log.producerSnapshotOffsets == [2, 4, 6])
        try logDirectory.close()
        // The checkpoint at close kept the last two segments' snapshots and the one at the end.
        let partitionFiles = try FileSystem.list(directory.file(topicPartition.directoryName))
        #expect(partitionFiles.filter { $0.hasSuffix(".snapshot") } == [Self.snapshotName(4), Self.snapshotName(6), Self.snapshotName(8)])

        let reopened = try LogDirectory(path: directory.path, clock: clock, logger: CapturedLogs().logger)
        let again = try #require(reopened.partition(topicPartition))
        let retry = try again.append(last, leaderEpoch: 0)
        #expect(retry.isDuplicate && retry.firstOffset == 7)
        try reopened.close()
    }

    @Test func aBatchTornByACrashIsNeitherRememberedNorDuplicatedOnRetry() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        let written = try Self.writeSixBatches(log)
        log.closeWithoutFlush()
        // The crash tore a seventh batch: half of it reached the active segment.
        let torn = TestBatch.producer(42, epoch: 1, sequence: 12, count: 2)
        let active = fixture.directory.file(fixture.segmentName(6, .log))
        let handle = try #require(FileHandle(forWritingAtPath: active))
        handle.seekToEndOfFile()
        handle.write(Data(Array(torn.readableBytesView).prefix(torn.readableBytes / 2)))
        try handle.close()

        let reopened = try fixture.open(clean: false)
        #expect(reopened.logEndOffset == 12)
        #expect(reopened.producerState(for: 42)?.lastSequence == 11)
        #expect(try reopened.append(written[5].batch, leaderEpoch: 0).isDuplicate)
        let retry = try reopened.append(torn, leaderEpoch: 0)
        #expect(!retry.isDuplicate && retry.firstOffset == 12 && reopened.logEndOffset == 14)
        try reopened.close()
    }
}
