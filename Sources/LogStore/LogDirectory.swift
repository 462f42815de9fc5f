import Logging
import NIOConcurrencyHelpers

/// One broker log directory, `<data-dir>/broker-<id>/` (a `LogManager`-lite).
///
/// Files it owns at its top level:
/// - `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`: `OffsetCheckpointFile`s
///   (version 0, count, `topic partition offset` lines), written by `checkpoint()` and `close()`.
/// - `.kafka_cleanshutdown`: written last by `close()`; `open` reads and removes it, so a crash
///   after `open` is an unclean shutdown and every partition is scanned past its recovery point.
///   Its content is Kafka's current form, `{"version":0,"brokerEpoch":<epoch>}`; only its
///   existence matters.
/// - `<topic>-<partition>/`: one `PartitionLog` each; a deleted partition is renamed to
///   `<topic>-<partition>.<uuid hex>-delete` and then removed, as Kafka does.
///
/// Thread-safe: the partition map is under a lock; each `PartitionLog` has its own.
public final class LogDirectory: @unchecked Sendable {
    public static let cleanShutdownFileName = ".kafka_cleanshutdown"

    public let path: String
    /// Whether the previous run closed this directory cleanly.
    public let hadCleanShutdown: Bool
    private let clock: any Clock
    private let logger: Logger
    private let configForTopic: @Sendable (String) -> LogConfig
    private let producerStateConfig: ProducerStateManagerConfig
    private let lock = NIOLock()
    private var partitions: [TopicPartition: PartitionLog] = [:]
    private var recoveryPoints: [TopicPartition: Int64]
    private var logStartOffsets: [TopicPartition: Int64]
    private var isClosed = false

    /// Opens (creating) the directory and every partition in it.
    /// - Parameters:
    ///   - configForTopic: each topic's config (default: Kafka's defaults).
    ///   - producerStateConfig: `producer.id.expiration.ms` for every partition.
    public init(
        path: String, clock: any Clock = SystemClock(), logger: Logger = Logger(label: "wharf.logstore"),
        producerStateConfig: ProducerStateManagerConfig = ProducerStateManagerConfig(),
        configForTopic: @escaping @Sendable (String) -> LogConfig = { _ in LogConfig() }
    ) throws {
        self.path = path
        self.clock = clock
        self.logger = logger
        self.configForTopic = configForTopic
        self.producerStateConfig = producerStateConfig
        try FileSystem.createDirectory(path)
        let marker = path + "/" + Self.cleanShutdownFileName
        hadCleanShutdown = FileSystem.exists(marker)
        func readCheckpoint(_ name: String) -> [TopicPartition: Int64] {
            do {
                return try OffsetCheckpointFile(path: path + "/" + name).read()
            } catch {
                logger.error("Ignoring unreadable \(path)/\(name) (every partition will be recovered from offset 0): \(error)")
                return [:]
            }
        }
        recoveryPoints = readCheckpoint(OffsetCheckpointFile.recoveryPoint)
        logStartOffsets = readCheckpoint(OffsetCheckpointFile.logStartOffset)
        for name in try FileSystem.list(path) where FileSystem.isDirectory(path + "/" + name) {
            if name.hasSuffix("-delete") {
                logger.info("Removing partition directory \(path)/\(name) left from a deletion")
                try FileSystem.removeTree(path + "/" + name)
                continue
            }
            guard let topicPartition = TopicPartition(directoryName: name) else {
                logger.warning("Ignoring directory \(path)/\(name): not a <topic>-<partition> name")
                continue
            }
            partitions[topicPartition] = try PartitionLog.open(
                directory: path + "/" + name, topicPartition: topicPartition, config: configForTopic(topicPartition.topic),
                clock: clock, recoveryPoint: recoveryPoints[topicPartition] ?? 0,
                logStartOffset: logStartOffsets[topicPartition] ?? 0, hadCleanShutdown: hadCleanShutdown,
                producerStateConfig: producerStateConfig, logger: logger)
        }
        if hadCleanShutdown {
            try FileSystem.remove(marker)
            try FileSystem.syncDirectory(path)
        }
        logger.info("Opened log directory \(path) with \(partitions.count) partitions (clean shutdown: \(hadCleanShutdown))")
    }

    public var topicPartitions: [TopicPartition] { lock.withLock { partitions.keys.sorted() } }

    public func partition(_ topicPartition: TopicPartition) -> PartitionLog? {
        lock.withLock { partitions[topicPartition] }
    }

    /// The partition's log, created empty (with `config`, else the topic's config) if new.
    public func createPartition(_ topicPartition: TopicPartition, config: LogConfig? = nil) throws -> PartitionLog {
        try lock.withLock {
            if isClosed { throw LogStoreError.closed("log directory \(path)") }
            if let existing = partitions[topicPartition] { return existing }
            guard !topicPartition.topic.isEmpty, !topicPartition.topic.contains("/"), topicPartition.partition >= 0 else {
                throw LogStoreError.invalidTopicPartition(topicPartition.directoryName)
            }
            let log = try PartitionLog.open(
                directory: path + "/" + topicPartition.directoryName, topicPartition: topicPartition,
                config: config ?? configForTopic(topicPartition.topic), clock: clock, recoveryPoint: 0,
                logStartOffset: 0, hadCleanShutdown: true, producerStateConfig: producerStateConfig, logger: logger)
            try FileSystem.syncDirectory(path)
            partitions[topicPartition] = log
            return log
        }
    }

    /// Closes the partition's log, renames its directory to `<dir>.<uuid>-delete`, then
    /// removes it.
    public func deletePartition(_ topicPartition: TopicPartition) throws {
        try lock.withLock {
            guard let log = partitions.removeValue(forKey: topicPartition) else { return }
            log.closeWithoutFlush()
            let uuid = (0..<2).map { _ in
                let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            }.joined()
            let doomed = "\(path)/\(topicPartition.directoryName).\(uuid)-delete"
            try FileSystem.rename(log.directory, to: doomed)
            try FileSystem.syncDirectory(path)
            logger.info("Deleting partition \(topicPartition): renamed to \(doomed)")
            try FileSystem.removeTree(doomed)
            recoveryPoints[topicPartition] = nil
            logStartOffsets[topicPartition] = nil
        }
    }

    /// Writes `recovery-point-offset-checkpoint` and `log-start-offset-checkpoint` for every
    /// open partition (Kafka does this every 60 s and at shutdown), then deletes the producer
    /// snapshots recovery no longer needs (Kafka's `deleteSnapshotsAfterRecoveryPointCheckpoint`).
    public func checkpoint() throws {
        try lock.withLock { try checkpointLocked() }
    }

    private func checkpointLocked() throws {
        for (topicPartition, log) in partitions {
            recoveryPoints[topicPartition] = log.recoveryPoint
            logStartOffsets[topicPartition] = log.logStartOffset
        }
        try OffsetCheckpointFile(path: path + "/" + OffsetCheckpointFile.recoveryPoint).write(recoveryPoints)
        try OffsetCheckpointFile(path: path + "/" + OffsetCheckpointFile.logStartOffset).write(logStartOffsets)
        for log in partitions.values { try log.deleteSnapshotsAfterRecoveryPointCheckpoint() }
    }

    /// Clean shutdown: closes every partition (flush, trim indexes), writes both checkpoints,
    /// then the `.kafka_cleanshutdown` marker.
    public func close(brokerEpoch: Int64 = -1) throws {
        try lock.withLock {
            guard !isClosed else { return }
            for log in partitions.values { try log.close() }
            try checkpointLocked()
            try FileSystem.writeAtomically("{\"version\":0,\"brokerEpoch\":\(brokerEpoch)}", to: path + "/" + Self.cleanShutdownFileName)
            isClosed = true
            logger.info("Closed log directory \(path) cleanly")
        }
    }
}
