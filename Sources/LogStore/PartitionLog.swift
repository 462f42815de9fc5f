import KafkaProtocol
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One partition's log on disk: the owner of its segments, offsets and leader epoch cache
/// (Kafka's `UnifiedLog` + `LocalLog`, without the high watermark, which the engine keeps).
///
/// Thread-safe: every public method takes the partition's lock (`NIOLock`) for its whole
/// duration, so appends, reads, truncation and retention are serialised, as the hot paths are
/// synchronous under a per-partition lock (DESIGN.md, Concurrency). Reads return copies of the
/// bytes, so a returned buffer stays valid after later truncation or deletion.
///
/// Directory contents it owns: `<20-digit base offset>.log/.index/.timeindex` per segment
/// (see `Segment`, `OffsetIndex`, `TimeIndex`), `leader-epoch-checkpoint`
/// (see `LeaderEpochCheckpointFile`) and `<20-digit offset>.snapshot` producer state
/// snapshots (see `ProducerSnapshotFile`, `ProducerStateManager`).
public final class PartitionLog: @unchecked Sendable {
    public let topicPartition: TopicPartition
    public let directory: String
    let lock = NIOLock()
    let clock: any Clock
    let logger: Logger
    // Everything below is guarded by `lock`.
    var configStorage: LogConfig
    var segments: SegmentSet
    var logStartOffsetStorage: Int64
    var logEndOffsetStorage: Int64
    var recoveryPointStorage: Int64
    var lastFlushTime: Int64
    var directoryNeedsSync = false
    var epochCache: LeaderEpochCache
    let producerState: ProducerStateManager
    var isClosed = false

    private init(topicPartition: TopicPartition, directory: String, config: LogConfig, clock: any Clock,
                 logger: Logger, loaded: LoadedLog, epochCache: LeaderEpochCache, producerState: ProducerStateManager) {
        self.topicPartition = topicPartition
        self.directory = directory
        self.configStorage = config
        self.clock = clock
        self.logger = logger
        self.segments = loaded.segments
        self.logStartOffsetStorage = loaded.logStartOffset
        self.logEndOffsetStorage = loaded.logEndOffset
        self.recoveryPointStorage = loaded.recoveryPoint
        self.lastFlushTime = clock.milliseconds()
        self.epochCache = epochCache
        self.producerState = producerState
    }

    /// Opens (creating if needed) the log in `directory`, recovering it with `LogLoader`.
    /// - Parameters:
    ///   - recoveryPoint: offset below which data is known flushed (from
    ///     `recovery-point-offset-checkpoint`); after an unclean shutdown segments from the one
    ///     holding it are scanned.
    ///   - logStartOffset: from `log-start-offset-checkpoint`; 0 for a new log.
    ///   - hadCleanShutdown: true skips the scan (the `.kafka_cleanshutdown` marker existed).
    ///   - producerStateConfig: `producer.id.expiration.ms`, a broker setting.
    ///
    /// Producer state is then loaded from the latest readable `.snapshot` and the batch headers
    /// after it (see `rebuildProducerStateLocked`), so duplicates are still detected after a
    /// restart, clean or not.
    public static func open(
        directory: String, topicPartition: TopicPartition, config: LogConfig = LogConfig(),
        clock: any Clock = SystemClock(), recoveryPoint: Int64 = 0, logStartOffset: Int64 = 0,
        hadCleanShutdown: Bool = false, producerStateConfig: ProducerStateManagerConfig = ProducerStateManagerConfig(),
        logger: Logger = Logger(label: "wharf.logstore")
    ) throws -> PartitionLog {
        var logger = logger
        logger[metadataKey: "partition"] = "\(topicPartition)"
        let loader = LogLoader(directory: directory, config: config, now: clock.milliseconds(), logger: logger)
        let loaded = try loader.load(recoveryPoint: recoveryPoint, logStartOffset: logStartOffset, hadCleanShutdown: hadCleanShutdown)
        let checkpoint = LeaderEpochCheckpointFile(path: directory + "/" + LeaderEpochCheckpointFile.fileName)
        let cache: LeaderEpochCache
        do {
            cache = try LeaderEpochCache(checkpoint: checkpoint, logger: logger)
        } catch let error as LogStoreError {
            logger.warning("Discarding unreadable \(checkpoint.file.path): \(error)")
            try? FileSystem.remove(checkpoint.file.path)
            cache = try LeaderEpochCache(checkpoint: checkpoint, logger: logger)
        }
        try cache.truncateFromEnd(loaded.logEndOffset)
        try cache.truncateFromStart(loaded.logStartOffset)
        let producerState = try ProducerStateManager(directory: directory, config: producerStateConfig, logger: logger)
        try producerState.removeStraySnapshots(segmentBaseOffsets: loaded.segments.all.map(\.baseOffset))
        let log = PartitionLog(topicPartition: topicPartition, directory: directory, config: config, clock: clock,
                               logger: logger, loaded: loaded, epochCache: cache, producerState: producerState)
        try log.lock.withLock { try log.rebuildProducerStateLocked(reloadFromCleanShutdown: hadCleanShutdown) }
        logger.info("Loaded log \(directory): \(loaded.segments.count) segments, log start offset \(loaded.logStartOffset), log end offset \(loaded.logEndOffset), recovery point \(loaded.recoveryPoint)")
        return log
    }

    // MARK: State

    public var logStartOffset: Int64 { lock.withLock { logStartOffsetStorage } }
    public var logEndOffset: Int64 { lock.withLock { logEndOffsetStorage } }
    /// Offsets below this are flushed to disk.
    public var recoveryPoint: Int64 { lock.withLock { recoveryPointStorage } }
    /// Bytes of all `.log` files.
    public var size: Int { lock.withLock { segments.totalSize } }
    public var segmentCount: Int { lock.withLock { segments.count } }
    public var config: LogConfig { lock.withLock { configStorage } }
    public var leaderEpochEntries: [EpochEntry] { lock.withLock { epochCache.entries } }
    public var latestEpoch: Int32? { lock.withLock { epochCache.latestEpoch } }
    /// This partition's `partition.metadata` (the engine writes the topic id into it).
    public var partitionMetadataFile: PartitionMetadataFile {
        PartitionMetadataFile(path: directory + "/" + PartitionMetadataFile.fileName)
    }

    /// Changes the topic's settings; they apply from the next append, roll or retention pass.
    public func updateConfig(_ config: LogConfig) {
        lock.withLock {
            configStorage = config
            for segment in segments.all { segment.indexIntervalBytes = config.indexIntervalBytes }
        }
    }

    /// OffsetForLeaderEpoch: the largest epoch ≤ `epoch` and where it ended.
    public func endOffset(forLeaderEpoch epoch: Int32) -> (epoch: Int32, endOffset: Int64) {
        lock.withLock { epochCache.endOffset(for: epoch, logEndOffset: logEndOffsetStorage) }
    }

    func checkOpen() throws {
        if isClosed { throw LogStoreError.closed("log \(directory)") }
    }

    // MARK: Append

    /// Appends record batches v2 (one or more, concatenated).
    ///
    /// A leader append validates every batch, assigns offsets from the log end offset, stamps
    /// `leaderEpoch` and, with `message.timestamp.type=LogAppendTime`, the append time (CRC
    /// recomputed). A replica append keeps the leader's offsets, which must not go below the
    /// log end offset. A newer epoch in the batches is recorded in the leader epoch cache.
    /// Nothing is written unless every batch is valid.
    ///
    /// Batches with a producer id go through `ProducerStateManager`: for a leader, a retry of
    /// one of the producer's last 5 batches is answered with that batch's offsets
    /// (`isDuplicate`) and nothing is written; an older epoch throws `invalidProducerEpoch`, a
    /// gap in the sequence `outOfOrderSequence`. A replica's batches update the state unchecked.
    public func append(_ batches: ByteBuffer, leaderEpoch: Int32, origin: AppendOrigin = .leader) throws -> LogAppendInfo {
        try lock.withLock {
            try checkOpen()
            let config = configStorage
            let now = clock.milliseconds()
            var data = batches.slice()
            var located = try AppendValidator.validate(data, origin: origin, maxMessageBytes: config.maxMessageBytes)
            guard !located.isEmpty else {
                return LogAppendInfo(firstOffset: logEndOffsetStorage, lastOffset: logEndOffsetStorage - 1, maxTimestamp: -1,
                                     offsetOfMaxTimestamp: -1, logAppendTime: -1, validBytes: 0, recordCount: 0,
                                     batchCount: 0, logStartOffset: logStartOffsetStorage)
            }
            guard data.readableBytes <= config.segmentBytes else {
                throw LogStoreError.recordBatchTooLarge(appendSize: data.readableBytes, segmentBytes: config.segmentBytes)
            }
            let appendTime: Int64
            switch origin {
            case .leader:
                AppendValidator.assignOffsets(&data, batches: &located, nextOffset: logEndOffsetStorage, leaderEpoch: leaderEpoch,
                                              timestampType: config.messageTimestampType, now: now)
                appendTime = config.messageTimestampType == .logAppendTime ? now : -1
            case .replica:
                try AppendValidator.checkReplicaOffsets(located, logEndOffset: logEndOffsetStorage)
                appendTime = -1
            }
            let producerUpdates: [Int64: ProducerStateEntry]
            switch try producerState.analyze(located.lazy.map(\.header), origin: origin) {
            case let .duplicate(batch):
                // Kafka's UnifiedLog.append answers a duplicate with the original offsets. Kafka
                // also reports the batch's timestamp as its log append time even for CreateTime
                // topics; here it is only reported when the topic stamps LogAppendTime, so a
                // client never mistakes a CreateTime for a broker stamp.
                logger.debug("Duplicate batch: returning the offsets of \(batch)")
                return LogAppendInfo(firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, maxTimestamp: batch.timestamp,
                                     offsetOfMaxTimestamp: batch.lastOffset,
                                     logAppendTime: config.messageTimestampType == .logAppendTime ? batch.timestamp : -1,
                                     validBytes: 0, recordCount: 0, batchCount: 0, logStartOffset: logStartOffsetStorage,
                                     isDuplicate: true)
            case let .updates(updates):
                producerUpdates = updates
            }
            var pending: [PendingBatch] = []
            pending.reserveCapacity(located.count)
            var maxTimestamp: Int64 = -1
            var offsetOfMax: Int64 = -1
            var records = 0
            for batch in located {
                let header = batch.header
                pending.append(PendingBatch(position: batch.position, size: header.totalSize, baseOffset: header.baseOffset,
                                            lastOffset: header.lastOffset, maxTimestamp: header.maxTimestamp,
                                            recordCount: Int(max(0, header.recordsCount))))
                // Per batch, not per record (see `LogAppendInfo`): finding the record would
                // decompress every compressed append. Kafka's segments and time index also keep
                // the batch's last offset (shallowOffsetOfMaxTimestamp).
                if header.maxTimestamp > maxTimestamp {
                    maxTimestamp = header.maxTimestamp
                    offsetOfMax = header.lastOffset
                }
                records += Int(max(0, header.recordsCount))
            }
            let firstOffset = pending[0].baseOffset
            let lastOffset = pending[pending.count - 1].lastOffset
            if appendTime >= 0 { offsetOfMax = firstOffset }

            let segment = try maybeRollLocked(appendSize: data.readableBytes, maxTimestamp: maxTimestamp,
                                              firstOffset: firstOffset, lastOffset: lastOffset, now: now)
            try segment.append(data, batches: pending)
            logEndOffsetStorage = lastOffset + 1
            producerState.apply(producerUpdates, mapEndOffset: logEndOffsetStorage)
            for batch in located where batch.header.partitionLeaderEpoch >= 0 {
                if epochCache.latestEpoch.map({ batch.header.partitionLeaderEpoch > $0 }) ?? true {
                    try epochCache.assign(epoch: batch.header.partitionLeaderEpoch, startOffset: batch.header.baseOffset)
                }
            }
            try maybeFlushLocked(now: now)
            return LogAppendInfo(firstOffset: firstOffset, lastOffset: lastOffset, maxTimestamp: maxTimestamp,
                                 offsetOfMaxTimestamp: offsetOfMax, logAppendTime: appendTime, validBytes: data.readableBytes,
                                 recordCount: records, batchCount: pending.count, logStartOffset: logStartOffsetStorage)
        }
    }

    /// Kafka's `LogSegment.shouldRoll`: the segment would pass `segment.bytes`, its first batch
    /// is older than `segment.ms` minus its jitter, an index is full, or the new offsets do
    /// not fit a 32-bit relative offset. Returns the segment to append to.
    private func maybeRollLocked(appendSize: Int, maxTimestamp: Int64, firstOffset: Int64, lastOffset: Int64, now: Int64) throws -> Segment {
        let segment = segments.active!
        let config = configStorage
        let waited = try segment.timeWaitedForRoll(now: now, messageTimestamp: maxTimestamp)
        let reason: String?
        if segment.size > config.segmentBytes - appendSize {
            reason = "segment.bytes \(config.segmentBytes) would be exceeded (size \(segment.size) + \(appendSize))"
        } else if segment.size > 0 && waited > config.segmentMs - segment.rollJitterMs {
            reason = "segment.ms \(config.segmentMs) elapsed (\(waited) ms)"
        } else if segment.offsetIndex.isFull || segment.timeIndex.isFull {
            reason = "an index is full (segment.index.bytes \(config.segmentIndexBytes))"
        } else if !segment.canConvertToRelativeOffset(lastOffset) {
            reason = "offset \(lastOffset) would overflow the relative offset"
        } else {
            reason = nil
        }
        guard let reason else { return segment }
        return try rollLocked(newBaseOffset: max(firstOffset, logEndOffsetStorage), reason: reason)
    }

    /// Starts a new active segment at `newBaseOffset` (Kafka's `LocalLog.roll`). The old one
    /// gets its final time index entry and is flushed, which moves the recovery point.
    @discardableResult
    func rollLocked(newBaseOffset: Int64, reason: String) throws -> Segment {
        let old = segments.active!
        if segments.contains(baseOffset: newBaseOffset) {
            guard old.baseOffset == newBaseOffset, old.isEmpty else {
                throw LogStoreError.corruptRecord("cannot roll to offset \(newBaseOffset): a segment with that base offset exists")
            }
            return old
        }
        for kind in [LogFileName.Kind.log, .index, .timeIndex, .transactionIndex] {
            let path = Segment.path(directory, newBaseOffset, kind)
            if FileSystem.exists(path) {
                logger.warning("Newly rolled segment file \(path) already exists; deleting it first")
                try FileSystem.remove(path)
            }
        }
        try old.onBecomeInactive()
        let loader = LogLoader(directory: directory, config: configStorage, now: clock.milliseconds(), logger: logger)
        let segment = try loader.makeSegment(baseOffset: newBaseOffset)
        segments.add(segment)
        directoryNeedsSync = true
        // Kafka's UnifiedLog.roll: a snapshot named by the new segment's base offset, so that
        // recovering this segment can start from it and scan only this segment.
        producerState.updateMapEndOffset(newBaseOffset)
        try producerState.takeSnapshot()
        logger.info("Rolled new segment \(segment.logPath) at offset \(newBaseOffset): \(reason)")
        try flushLocked(upTo: newBaseOffset)
        return segment
    }

    /// Rolls the active segment now if it holds data (for tests and admin tools).
    public func roll() throws {
        try lock.withLock {
            try checkOpen()
            guard let active = segments.active, !active.isEmpty else { return }
            try rollLocked(newBaseOffset: logEndOffsetStorage, reason: "requested")
        }
    }

    // MARK: Flush and close

    /// fdatasyncs every segment holding offsets in [recoveryPoint, upTo) (default: the log end)
    /// and moves the recovery point there (Kafka's `UnifiedLog.flush`).
    public func flush(upTo offset: Int64? = nil) throws {
        try lock.withLock {
            try checkOpen()
            try flushLocked(upTo: offset ?? logEndOffsetStorage)
        }
    }

    func flushLocked(upTo offset: Int64) throws {
        let target = min(offset, logEndOffsetStorage)
        if target > recoveryPointStorage {
            for segment in segments.segments(from: recoveryPointStorage, to: target) { try segment.flush() }
            recoveryPointStorage = target
        }
        if directoryNeedsSync {
            try FileSystem.syncDirectory(directory)
            directoryNeedsSync = false
        }
        lastFlushTime = clock.milliseconds()
    }

    /// Flushes when `flush.ms` has passed since the last flush; for a periodic task (Kafka's
    /// log flusher). Appends check `flush.messages` and `flush.ms` themselves.
    public func flushIfDue() throws {
        try lock.withLock {
            try checkOpen()
            try maybeFlushLocked(now: clock.milliseconds())
        }
    }

    /// `flush.messages` / `flush.ms`: both default to never (the OS page cache, as Kafka).
    private func maybeFlushLocked(now: Int64) throws {
        let config = configStorage
        let unflushed = logEndOffsetStorage - recoveryPointStorage
        if unflushed >= config.flushMessages || (config.flushMs != Int64.max && now - lastFlushTime >= config.flushMs) {
            try flushLocked(upTo: logEndOffsetStorage)
        }
    }

    /// Flushes everything, writes the final time index entries, trims the indexes, writes a
    /// producer snapshot at the log end offset (so the next open need not scan) and closes
    /// the files. The recovery point is then the log end offset. Later calls throw `closed`.
    public func close() throws {
        try lock.withLock {
            guard !isClosed else { return }
            try producerState.takeSnapshot()
            try segments.active?.onBecomeInactive()
            try flushLocked(upTo: logEndOffsetStorage)
            try segments.active?.flush()
            for segment in segments.all { segment.close() }
            isClosed = true
            logger.info("Closed log \(directory) at log end offset \(logEndOffsetStorage)")
        }
    }

    /// Closes the files without flushing (the directory is about to be deleted).
    func closeWithoutFlush() {
        lock.withLock {
            for segment in segments.all { segment.close() }
            isClosed = true
        }
    }
}
