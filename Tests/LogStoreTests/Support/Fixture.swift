import Logging
@testable import LogStore

/// A temporary partition directory plus the clock and config a test opens its log with.
final class LogFixture {
    let directory: TemporaryDirectory
    let clock: ManualClock
    var config: LogConfig
    let logs = CapturedLogs()
    let topicPartition = TopicPartition(topic: "orders", partition: 0)
    var producerStateConfig = ProducerStateManagerConfig()

    init(_ overrides: [String: String] = [:]) {
        directory = TemporaryDirectory()
        clock = ManualClock()
        config = LogConfig.test(overrides)
    }

    deinit { directory.remove() }

    var path: String { directory.path }

    func open(clean: Bool = false, recoveryPoint: Int64 = 0, logStartOffset: Int64 = 0) throws -> PartitionLog {
        try PartitionLog.open(directory: path, topicPartition: topicPartition, config: config, clock: clock,
                              recoveryPoint: recoveryPoint, logStartOffset: logStartOffset, hadCleanShutdown: clean,
                              producerStateConfig: producerStateConfig, logger: logs.logger)
    }

    /// Appends `count` one-record batches as leader, timestamps from the clock.
    @discardableResult
    func appendBatches(_ log: PartitionLog, count: Int, valueSize: Int = 10, epoch: Int32 = 0) throws -> [LogAppendInfo] {
        try (0..<count).map { _ in
            try log.append(TestBatch.make(valueSize: valueSize, timestamp: clock.milliseconds()), leaderEpoch: epoch)
        }
    }

    func segmentName(_ base: Int64, _ kind: LogFileName.Kind) -> String {
        LogFileName(baseOffset: base, kind: kind).description
    }
}
