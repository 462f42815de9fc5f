import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore

@Suite struct RecoveryTests {
    /// A closed log of `count` one-record batches; returns the .log bytes and batch positions.
    private func closedLog(_ fixture: LogFixture, count: Int, valueSize: Int = 40) throws -> (bytes: [UInt8], positions: [Int]) {
        let log = try fixture.open()
        try fixture.appendBatches(log, count: count, valueSize: valueSize)
        try log.close()
        let bytes = try fixture.directory.bytes(fixture.segmentName(0, .log))
        return (bytes, TestBatch.headers(ByteBuffer(bytes: bytes)).map(\.position))
    }

    @Test func tornWriteAtEveryBytePositionOfTheLastBatchTruncatesToThePreviousBatch() throws {
        let fixture = LogFixture()
        let (original, positions) = try closedLog(fixture, count: 3)
        let index = try fixture.directory.bytes(fixture.segmentName(0, .index))
        let timeIndex = try fixture.directory.bytes(fixture.segmentName(0, .timeIndex))
        let lastStart = positions[2]
        for cut in lastStart..<original.count {
            try fixture.directory.write(Array(original[..<cut]), to: fixture.segmentName(0, .log))
            try fixture.directory.write(index, to: fixture.segmentName(0, .index))
            try fixture.directory.write(timeIndex, to: fixture.segmentName(0, .timeIndex))
            let log = try fixture.open(clean: false, recoveryPoint: 3)
            #expect(log.logEndOffset == 2, "cut at \(cut)")
            #expect(log.size == lastStart, "cut at \(cut)")
            #expect(batchOffsets(try readAll(log)) == [0...0, 1...1])
            #expect(try fixture.appendBatches(log, count: 1)[0].firstOffset == 2)
            #expect(batchOffsets(try readAll(log)) == [0...0, 1...1, 2...2])
            try log.close()
        }
    }

    @Test func zeroedTailOfTheLastBatchAtEveryPositionIsDetected() throws {
        let fixture = LogFixture()
        let (original, positions) = try closedLog(fixture, count: 3)
        let lastStart = positions[2]
        for start in lastStart..<original.count where original[start...].contains(where: { $0 != 0 }) {
            var damaged = original
            for i in start..<damaged.count { damaged[i] = 0 }
            try fixture.directory.write(damaged, to: fixture.segmentName(0, .log))
            let log = try fixture.open(clean: false, recoveryPoint: 0)
            #expect(log.logEndOffset == 2, "zeroed from \(start)")
            try log.close()
        }
    }

    @Test func corruptByteInTheMiddleSegmentTruncatesThereAndRemovesLaterSegments() throws {
        let fixture = LogFixture(["segment.bytes": "500"])
        let log = try fixture.open()
        try fixture.appendBatches(log, count: 20, valueSize: 60)
        let infos = log.segmentInfos()
        try log.close()
        #expect(infos.count >= 4)
        let middle = infos[1]
        let name = fixture.segmentName(middle.baseOffset, .log)
        var bytes = try fixture.directory.bytes(name)
        let batches = TestBatch.headers(ByteBuffer(bytes: bytes))
        let victim = batches[1]
        bytes[victim.position + 70] ^= 0xFF
        try fixture.directory.write(bytes, to: name)

        let reopened = try fixture.open(clean: false, recoveryPoint: 0)
        #expect(reopened.logEndOffset == victim.header.baseOffset)
        #expect(reopened.segmentInfos().map(\.baseOffset) == [infos[0].baseOffset, middle.baseOffset])
        #expect(reopened.segmentInfos().last!.sizeInBytes == victim.position)
        for later in infos.dropFirst(2) {
            #expect(try !fixture.directory.names().contains(fixture.segmentName(later.baseOffset, .log)))
        }
        #expect(fixture.logs.messages.contains { $0.level == .error && $0.message.contains(name) && $0.message.contains("CRC") })
        #expect(try fixture.appendBatches(reopened, count: 1)[0].firstOffset == victim.header.baseOffset)
    }

    @Test(arguments: [CompressionCodec.gzip, .zstd])
    func compressedBatchesSurviveRecoveryAndACorruptPayloadIsCut(codec: CompressionCodec) throws {
        let fixture = LogFixture(["index.interval.bytes": "100"])
        let log = try fixture.open()
        for i in 0..<6 {
            let batch = TestBatch.make(count: 4, valueSize: 120, timestamp: 1_000 + Int64(i) * 10, fill: UInt8(0x41 + i),
                                       compression: i % 2 == 0 ? codec : .none)
            _ = try log.append(batch, leaderEpoch: 0)
        }
        try log.close()
        let name = fixture.segmentName(0, .log)
        var bytes = try fixture.directory.bytes(name)
        let positions = TestBatch.headers(ByteBuffer(bytes: bytes)).map(\.position)
        #expect(positions.count == 6)

        // A full scan (unclean shutdown) keeps every compressed batch, decodable.
        let recovered = try fixture.open(clean: false, recoveryPoint: 0)
        #expect(recovered.logEndOffset == 24)
        let batches = try TestBatch.decodeAll(try readAll(recovered).records)
        #expect(batches.map(\.compression) == [codec, .none, codec, .none, codec, .none])
        for (i, batch) in batches.enumerated() {
            #expect(batch.records.map { batch.offset(of: $0) } == Array(Int64(i * 4)..<Int64(i * 4 + 4)))
            #expect(batch.records.allSatisfy { $0.value == ByteBuffer(repeating: UInt8(0x41 + i), count: 120) })
        }
        try recovered.close()

        // A flipped byte in the compressed payload of batch 4 fails its CRC: the log is cut there.
        bytes[positions[4] + RecordBatchHeader.size + 5] ^= 0xFF
        try fixture.directory.write(bytes, to: name)
        let damaged = try fixture.open(clean: false, recoveryPoint: 0)
        #expect(damaged.logEndOffset == 16)
        #expect(damaged.size == positions[4])
        #expect(try TestBatch.decodeAll(try readAll(damaged).records).count == 4)
        #expect(try damaged.append(TestBatch.make(count: 2, compression: codec), leaderEpoch: 0).firstOffset == 16)
        try damaged.close()
    }

    @Test func zeroFilledPreallocatedTailIsCutOff() throws {
        let fixture = LogFixture()
        let (original, _) = try closedLog(fixture, count: 5)
        try fixture.directory.write(original + [UInt8](repeating: 0, count: 4096), to: fixture.segmentName(0, .log))
        let log = try fixture.open(clean: false, recoveryPoint: 5)
        #expect(log.logEndOffset == 5)
        #expect(log.size == original.count)
        #expect(try fixture.appendBatches(log, count: 1)[0].firstOffset == 5)
    }

    @Test(arguments: ["truncated", "corrupt", "missing", "missing time index"])
    func damagedIndexIsRebuiltFromTheLog(damage: String) throws {
        let fixture = LogFixture(["index.interval.bytes": "100"])
        _ = try closedLog(fixture, count: 30, valueSize: 60)
        let indexName = fixture.segmentName(0, .index)
        let timeIndexName = fixture.segmentName(0, .timeIndex)
        let index = try fixture.directory.bytes(indexName)
        let timeIndex = try fixture.directory.bytes(timeIndexName)
        #expect(index.count >= 32)
        switch damage {
        case "truncated": try fixture.directory.write(Array(index.dropLast(3)), to: indexName)
        case "corrupt":
            var bytes = index
            for i in 12..<16 { bytes[i] = 0xFF }   // entry 1 points past the end of the log
            try fixture.directory.write(bytes, to: indexName)
        case "missing": try FileSystem.remove(fixture.directory.file(indexName))
        default: try FileSystem.remove(fixture.directory.file(timeIndexName))
        }
        let log = try fixture.open(clean: true)
        #expect(fixture.logs.messages.contains { $0.level == .warning && $0.message.contains("Rebuilding") })
        for offset in Int64(0)..<30 {
            #expect(batchOffsets(try log.read(from: offset, maxBytes: 1)).first == offset...offset)
        }
        try log.close()
        #expect(try fixture.directory.bytes(indexName) == index)
        #expect(try fixture.directory.bytes(timeIndexName) == timeIndex)
    }

    @Test func fileWithANonNumericSegmentNameIsIgnoredWithAWarning() throws {
        let fixture = LogFixture()
        _ = try closedLog(fixture, count: 2)
        try fixture.directory.write([1, 2, 3], to: "abc.log")
        let log = try fixture.open(clean: true)
        #expect(fixture.logs.messages.contains { $0.level == .warning && $0.message.contains("abc.log") })
        #expect(log.logEndOffset == 2)
        #expect(try fixture.directory.names().contains("abc.log"))
        #expect(try fixture.appendBatches(log, count: 1)[0].firstOffset == 2)
    }

    @Test func leftoverDeletedAndCleanedFilesAreRemovedAndOrphanIndexesDropped() throws {
        let fixture = LogFixture()
        _ = try closedLog(fixture, count: 2)
        try fixture.directory.write([0], to: "00000000000000000077.log.deleted")
        try fixture.directory.write([0], to: "00000000000000000088.log.cleaned")
        try fixture.directory.write([0, 0, 0, 0, 0, 0, 0, 0], to: "00000000000000000099.index")
        let log = try fixture.open(clean: true)
        let names = try fixture.directory.names()
        #expect(!names.contains { $0.hasSuffix(".deleted") || $0.hasSuffix(".cleaned") || $0.hasPrefix("00000000000000000099") })
        #expect(log.logEndOffset == 2)
    }

    @Test func cleanShutdownSkipsTheScanAndUncleanShutdownFindsTheCorruption() throws {
        let fixture = LogFixture()
        let (original, positions) = try closedLog(fixture, count: 4)
        var bytes = original
        bytes[positions[3] + 65] ^= 0x01     // inside the last batch's records, past the recovery point
        try fixture.directory.write(bytes, to: fixture.segmentName(0, .log))

        let clean = try fixture.open(clean: true, recoveryPoint: 0)
        #expect(clean.logEndOffset == 4)       // not scanned: the corruption goes unnoticed
        try clean.close()

        let unclean = try fixture.open(clean: false, recoveryPoint: 0)
        #expect(unclean.logEndOffset == 3)     // scanned: truncated at the corrupt batch
        try unclean.close()
    }

    @Test func logDirectoryMarkerDecidesWhetherPartitionsAreScanned() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualClock()
        let topicPartition = TopicPartition(topic: "events", partition: 3)
        var logDirectory = try LogDirectory(path: directory.path, clock: clock, logger: CapturedLogs().logger)
        #expect(!logDirectory.hadCleanShutdown)
        let log = try logDirectory.createPartition(topicPartition)
        for _ in 0..<4 { _ = try log.append(TestBatch.make(valueSize: 40), leaderEpoch: 0) }
        try logDirectory.close()
        #expect(FileSystem.exists(directory.file(".kafka_cleanshutdown")))
        #expect(String(decoding: try directory.bytes("recovery-point-offset-checkpoint"), as: UTF8.self) == "0\n1\nevents 3 4\n")
        #expect(String(decoding: try directory.bytes("log-start-offset-checkpoint"), as: UTF8.self) == "0\n1\nevents 3 0\n")

        let logName = "events-3/00000000000000000000.log"
        var bytes = try directory.bytes(logName)
        let last = TestBatch.headers(ByteBuffer(bytes: bytes)).last!.position
        bytes[last + 65] ^= 0x01
        try directory.write(bytes, to: logName)

        logDirectory = try LogDirectory(path: directory.path, clock: clock, logger: CapturedLogs().logger)
        #expect(logDirectory.hadCleanShutdown)
        #expect(!FileSystem.exists(directory.file(".kafka_cleanshutdown")))
        #expect(logDirectory.partition(topicPartition)?.logEndOffset == 4)
        // Crash: no close. The next open is unclean and scans from the recovery point's segment.
        logDirectory = try LogDirectory(path: directory.path, clock: clock, logger: CapturedLogs().logger)
        #expect(!logDirectory.hadCleanShutdown)
        #expect(logDirectory.partition(topicPartition)?.logEndOffset == 3)
        try logDirectory.close()
    }
}
