import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStore
import WharfTestSupport

/// Kills a real writer process with SIGKILL mid-append and recovers its log.
@Suite(.serialized) struct CrashTests {
    /// The LogCrashWriter binary, built next to the test bundle in `.build/<config>/`.
    static func writerBinary() throws -> URL {
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("LogCrashWriter"))
        }
        if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("LogCrashWriter"))
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.build/debug/LogCrashWriter"))
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
    }

    /// Complete lines of the writer's output that are offsets.
    static func offsets(_ text: String) -> [Int64] {
        text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(text.hasSuffix("\n") ? 0 : 1).compactMap { Int64($0) }
    }

    @Test(arguments: [(200, 0), (400, 3), (700, 11)])
    func sigkilledWriterLeavesEveryAcknowledgedBatchIntact(acknowledgements: Int, extraDelayMs: Int) throws {
        let directory = TemporaryDirectory("crash")
        defer { directory.remove() }
        let logPath = directory.file("crash-0")
        let writer = try ChildProcess(try Self.writerBinary().path, [logPath], stdout: .pipe, stderr: .null)
        defer {
            writer.kill()
            writer.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(20)
        while Self.offsets(writer.stdoutText).count < acknowledgements && Date() < deadline && writer.isRunning {
            usleep(5_000)
        }
        usleep(useconds_t(extraDelayMs * 1000))
        writer.kill()
        writer.waitUntilExit()
        let acknowledged = Self.offsets(writer.stdoutText)
        #expect(writer.terminationReason == .signalled(SIGKILL))
        try #require(acknowledged.count >= acknowledgements, "writer acknowledged only \(acknowledged.count) appends in 20 s")

        let log = try PartitionLog.open(directory: logPath, topicPartition: TopicPartition(topic: "crash", partition: 0),
                                        config: LogConfig.test(["segment.bytes": "20000"]), recoveryPoint: 0,
                                        hadCleanShutdown: false, logger: CapturedLogs().logger)
        let lastAcknowledged = try #require(acknowledged.last)
        #expect(log.logEndOffset > lastAcknowledged)
        #expect(log.segmentCount > 1)
        // Every batch is whole, CRC-valid, contiguous from 0, and each record holds its offset.
        let records = try readAll(log).records
        var expectedOffset: Int64 = 0
        for (position, header) in TestBatch.headers(records) {
            #expect(header.baseOffset == expectedOffset)
            #expect(RecordBatchHeader.crcIsValid(in: records, at: records.readerIndex + position))
            let value = TestBatch.firstRecordValue(records, batchAt: records.readerIndex + position)
            #expect(value?.getInteger(at: value!.readerIndex, endianness: .big, as: Int64.self) == header.baseOffset)
            expectedOffset = header.nextOffset
        }
        #expect(expectedOffset == log.logEndOffset)
        let info = try log.append(TestBatch.make(count: 2), leaderEpoch: 2)
        #expect(info.firstOffset == expectedOffset)
        try log.close()
    }

    @Test func failedWriteIsCutBackAndTheLogStaysUsable() throws {
        let directory = TemporaryDirectory("efbig")
        defer { directory.remove() }
        let logPath = directory.file("crash-0")
        let writer = try ChildProcess(try Self.writerBinary().path, ["--file-size-limit", "5000", logPath], stdout: .pipe, stderr: .null)
        defer {
            writer.kill()
            writer.waitUntilExit()
        }
        try #require(writer.wait(timeout: 20), "writer did not finish in 20 s")
        let output = writer.stdoutText
        #expect(writer.terminationReason == .exited(0), "\(output)")
        #expect(output.contains("failed: pwrite failed") && output.contains("errno 27"), "\(output)")   // EFBIG
        // The failed append was cut back: the size is a whole number of batches below the limit.
        let leoLine = try #require(output.split(separator: "\n").first { $0.hasPrefix("leo ") })
        let fields = leoLine.split(separator: " ")
        let (leo, size) = (Int64(fields[1])!, Int(fields[3])!)
        #expect(size <= 5000)
        #expect(output.contains("resumed \(leo)\n"), "\(output)")
        let log = try PartitionLog.open(directory: logPath, topicPartition: TopicPartition(topic: "crash", partition: 0),
                                        recoveryPoint: 0, hadCleanShutdown: false, logger: CapturedLogs().logger)
        #expect(log.logEndOffset == leo + 2)
        #expect(batchOffsets(try readAll(log)).last == leo...(leo + 1))
        #expect(!batchOffsets(try readAll(log)).isEmpty)
        try log.close()
    }
}
