import Testing
@testable import LogStore

@Suite struct FileFormatTests {
    @Test func segmentFileNamesAreTwentyDigitBaseOffsets() throws {
        #expect(LogFileName(baseOffset: 0, kind: .log).description == "00000000000000000000.log")
        #expect(LogFileName(baseOffset: 1234, kind: .index).description == "00000000000000001234.index")
        #expect(LogFileName(baseOffset: Int64.max, kind: .timeIndex).description == "09223372036854775807.timeindex")
        #expect(LogFileName(baseOffset: 5, kind: .log, temporary: .deleted).description == "00000000000000000005.log.deleted")
        #expect(LogFileName(parsing: "00000000000000001234.txnindex") == LogFileName(baseOffset: 1234, kind: .transactionIndex))
        #expect(LogFileName(parsing: "00000000000000000042.log.swap") == LogFileName(baseOffset: 42, kind: .log, temporary: .swap))
        #expect(LogFileName(parsing: "abc.log") == nil)
        #expect(LogFileName(parsing: "123.log") == nil)
        #expect(LogFileName(parsing: "0000000000000000000a.log") == nil)
        #expect(LogFileName(parsing: "leader-epoch-checkpoint") == nil)
        #expect(TopicPartition(directoryName: "my-topic-12") == TopicPartition(topic: "my-topic", partition: 12))
        #expect(TopicPartition(directoryName: "t-0.4f3a9c-delete") == nil)
        #expect(TopicPartition(directoryName: "t-0.4f3a9c-future") == nil)
    }

    @Test func aNewLogHasExactlyKafkasFiles() throws {
        let fixture = LogFixture()
        let log = try fixture.open()
        _ = try log.append(TestBatch.make(), leaderEpoch: 0)
        try log.close()
        #expect(try fixture.directory.names() == [
            "00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex",
            // Kafka's UnifiedLog.close: a producer snapshot at the log end offset.
            "00000000000000000001.snapshot", "leader-epoch-checkpoint",
        ])
    }

    @Test func offsetCheckpointRoundTripsWithKafkasExactText() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = OffsetCheckpointFile(path: directory.file("recovery-point-offset-checkpoint"))
        let offsets = [TopicPartition(topic: "orders", partition: 1): Int64(42), TopicPartition(topic: "a-b", partition: 0): 7]
        try file.write(offsets)
        #expect(String(decoding: try directory.bytes("recovery-point-offset-checkpoint"), as: UTF8.self) == "0\n2\na-b 0 7\norders 1 42\n")
        #expect(try file.read() == offsets)
        #expect(!FileSystem.exists(directory.file("recovery-point-offset-checkpoint.tmp")))
        try file.write([:])
        #expect(try file.read().isEmpty)
    }

    @Test(arguments: [
        ("0\n1\norders x 5\n", "malformed line: orders x 5"),
        ("0\n2\norders 0 5\n", "expected 2 entries but found 1"),
        ("1\n0\n", "unrecognised version 1, expected version 0"),
        ("zero\n", "malformed line: zero"),
    ])
    func malformedCheckpointGivesAClearError(text: String, reason: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array(text.utf8), to: "cp")
        let path = directory.file("cp")
        #expect(throws: LogStoreError.malformedCheckpoint(path: path, reason: reason)) {
            try OffsetCheckpointFile(path: path).read()
        }
    }

    @Test func leaderEpochAndPartitionMetadataFilesRoundTrip() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let epochs = LeaderEpochCheckpointFile(path: directory.file("leader-epoch-checkpoint"))
        try epochs.write([EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 4, startOffset: 1200)])
        #expect(String(decoding: try directory.bytes("leader-epoch-checkpoint"), as: UTF8.self) == "0\n2\n0 0\n4 1200\n")
        #expect(try epochs.read() == [EpochEntry(epoch: 0, startOffset: 0), EpochEntry(epoch: 4, startOffset: 1200)])
        let metadata = PartitionMetadataFile(path: directory.file("partition.metadata"))
        try metadata.write(topicId: "vFvmYdaXQUq3dDEkXvk8Ow")
        #expect(String(decoding: try directory.bytes("partition.metadata"), as: UTF8.self) == "version: 0\ntopic_id: vFvmYdaXQUq3dDEkXvk8Ow")
        #expect(try metadata.read() == "vFvmYdaXQUq3dDEkXvk8Ow")
        try directory.write(Array("version: 1\ntopic_id: x".utf8), to: "partition.metadata")
        #expect(throws: LogStoreError.self) { try metadata.read() }
    }

    @Test func logConfigParsesKafkaNamesAndRejectsBadValuesByName() throws {
        let defaults = LogConfig()
        #expect(defaults.segmentBytes == 1_073_741_824 && defaults.maxMessageBytes == 1_048_588)
        #expect(defaults.retentionMs == 604_800_000 && defaults.retentionBytes == -1 && defaults.indexIntervalBytes == 4096)
        #expect(defaults.segmentIndexBytes == 10_485_760 && defaults.flushMessages == Int64.max && defaults.cleanupPolicy == [.delete])
        let config = try LogConfig(properties: [
            "segment.bytes": "1024", "retention.ms": "-1", "cleanup.policy": "compact,delete",
            "message.timestamp.type": "LogAppendTime", "compression.type": "zstd",
        ])
        #expect(config.segmentBytes == 1024 && config.retentionMs == -1 && config.cleanupPolicy == [.compact, .delete])
        #expect(config.messageTimestampType == .logAppendTime)
        #expect(config.properties["compression.type"] == "zstd")
        #expect(config.properties["cleanup.policy"] == "delete,compact")
        #expect(try LogConfig(properties: config.properties) == config)
        #expect(throws: LogStoreError.invalidConfig(key: "segment.bytes", value: "abc", reason: "not an integer")) {
            try LogConfig(properties: ["segment.bytes": "abc"])
        }
        #expect(throws: LogStoreError.invalidConfig(key: "retention.ms", value: "-2", reason: "must be at least -1")) {
            try LogConfig(properties: ["retention.ms": "-2"])
        }
        #expect(throws: LogStoreError.invalidConfig(key: "message.timestamp.type", value: "Now", reason: "must be CreateTime or LogAppendTime")) {
            try LogConfig(properties: ["message.timestamp.type": "Now"])
        }
        #expect(throws: LogStoreError.self) { try LogConfig(properties: ["cleanup.policy": "delete,forever"]) }
    }

    @Test func deletedPartitionDirectoryIsRenamedThenRemoved() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let logDirectory = try LogDirectory(path: directory.path, logger: CapturedLogs().logger)
        let topicPartition = TopicPartition(topic: "gone", partition: 0)
        let log = try logDirectory.createPartition(topicPartition)
        _ = try log.append(TestBatch.make(), leaderEpoch: 0)
        try logDirectory.deletePartition(topicPartition)
        #expect(try directory.names().allSatisfy { !$0.hasPrefix("gone-0") })
        #expect(logDirectory.partition(topicPartition) == nil)
        #expect(throws: LogStoreError.closed("log \(directory.path)/gone-0")) { try log.read(from: 0, maxBytes: 10) }
        // A leftover "-delete" directory from a crash is removed on open.
        try FileSystem.createDirectory(directory.file("old-1.0123abcd-delete"))
        try logDirectory.close()
        let reopened = try LogDirectory(path: directory.path, logger: CapturedLogs().logger)
        #expect(try !directory.names().contains("old-1.0123abcd-delete"))
        #expect(reopened.topicPartitions.isEmpty)
    }

    @Test func manualClockAdvancesOnlyWhenTold() {
        let clock = ManualClock(milliseconds: 1000)
        #expect(clock.milliseconds() == 1000)
        clock.advance(by: 250)
        #expect(clock.milliseconds() == 1250)
        #expect(SystemClock().milliseconds() > 1_600_000_000_000)
    }
}
