import KafkaProtocol

extension PartitionLog {
    /// Removes every batch with an offset ≥ `offset`: later segments are deleted, the one
    /// holding `offset` is cut at the batch boundary and its indexes fixed, the leader epoch
    /// cache loses epochs that started there (Kafka's `UnifiedLog.truncateTo`, used when a
    /// follower truncates by leader epoch). Whole batches only: if `offset` falls inside a
    /// batch, that batch goes too, and the log end offset becomes its base offset.
    /// Returns true when anything was removed.
    @discardableResult
    public func truncate(to offset: Int64) throws -> Bool {
        try lock.withLock {
            try checkOpen()
            guard offset >= 0 else { throw LogStoreError.offsetOutOfRange(offset: offset, logStartOffset: logStartOffsetStorage, logEndOffset: logEndOffsetStorage) }
            guard offset < logEndOffsetStorage else { return false }
            logger.info("Truncating log \(directory) to offset \(offset) (log end offset \(logEndOffsetStorage))")
            if let first = segments.first, first.baseOffset > offset {
                try truncateFullyLocked(startAt: offset)
                return true
            }
            for segment in segments.all.reversed() where segment.baseOffset > offset {
                logger.info("Deleting segment \(segment.logPath) while truncating to offset \(offset)")
                try segment.delete()
                segments.remove(baseOffset: segment.baseOffset)
            }
            let active = segments.active!
            let removed = try active.truncate(to: offset, now: clock.milliseconds())
            if removed > 0 { logger.info("Truncated \(active.logPath) by \(removed) bytes to position \(active.size)") }
            logEndOffsetStorage = try active.readNextOffset()
            recoveryPointStorage = min(recoveryPointStorage, logEndOffsetStorage)
            logStartOffsetStorage = min(logStartOffsetStorage, logEndOffsetStorage)
            directoryNeedsSync = true
            try epochCache.truncateFromEnd(logEndOffsetStorage)
            // Kafka's truncateTo → rebuildProducerState: later snapshots go, the state is
            // reloaded from the latest snapshot at or below the new end and replayed.
            try rebuildProducerStateLocked(reloadFromCleanShutdown: false)
            return true
        }
    }

    /// Deletes every segment and starts an empty log at `offset` (Kafka's
    /// `truncateFullyAndStartAt`, for a follower far behind the leader's log start).
    public func truncateFullyAndStartAt(_ offset: Int64) throws {
        try lock.withLock {
            try checkOpen()
            try truncateFullyLocked(startAt: offset)
        }
    }

    private func truncateFullyLocked(startAt offset: Int64) throws {
        logger.info("Truncating log \(directory) fully and starting at offset \(offset)")
        for segment in segments.all {
            try segment.delete()
        }
        segments.removeAll()
        let loader = LogLoader(directory: directory, config: configStorage, now: clock.milliseconds(), logger: logger)
        segments.add(try loader.makeSegment(baseOffset: offset))
        logStartOffsetStorage = offset
        logEndOffsetStorage = offset
        recoveryPointStorage = offset
        directoryNeedsSync = true
        try epochCache.clear()
        try producerState.truncateFullyAndStartAt(offset)
        try rebuildProducerStateLocked(reloadFromCleanShutdown: false)
    }

    // MARK: Retention

    /// All three retention rules when `cleanup.policy` contains delete, else only the log
    /// start offset rule (Kafka's `deleteOldSegments`). Returns the segments deleted.
    @discardableResult
    public func deleteOldSegments(highWatermark: Int64? = nil) throws -> Int {
        let deletePolicy = config.cleanupPolicy.contains(.delete)
        var deleted = try deleteLogStartOffsetBreachedSegments()
        if deletePolicy {
            deleted += try deleteRetentionSizeBreachedSegments(highWatermark: highWatermark)
            deleted += try deleteRetentionMsBreachedSegments(highWatermark: highWatermark)
        }
        return deleted
    }

    /// Deletes the oldest segments whose newest timestamp is more than `retention.ms` old.
    @discardableResult
    public func deleteRetentionMsBreachedSegments(highWatermark: Int64? = nil) throws -> Int {
        try lock.withLock {
            try checkOpen()
            let retention = configStorage.retentionMs
            guard retention >= 0 else { return 0 }
            let now = clock.milliseconds()
            return try deleteSegmentsLocked(highWatermark: highWatermark, reason: "retention.ms \(retention) breached") { segment, _ in
                now - segment.largestTimestamp > retention
            }
        }
    }

    /// Deletes the oldest segments while the log is bigger than `retention.bytes`.
    @discardableResult
    public func deleteRetentionSizeBreachedSegments(highWatermark: Int64? = nil) throws -> Int {
        try lock.withLock {
            try checkOpen()
            let limit = configStorage.retentionBytes
            let total = Int64(segments.totalSize)
            guard limit >= 0, total >= limit else { return 0 }
            var excess = total - limit
            return try deleteSegmentsLocked(highWatermark: highWatermark, reason: "retention.bytes \(limit) breached") { segment, _ in
                guard excess - Int64(segment.size) >= 0 else { return false }
                excess -= Int64(segment.size)
                return true
            }
        }
    }

    /// Deletes segments wholly below the log start offset.
    @discardableResult
    public func deleteLogStartOffsetBreachedSegments() throws -> Int {
        try lock.withLock {
            try checkOpen()
            let start = logStartOffsetStorage
            return try deleteSegmentsLocked(highWatermark: nil, reason: "below log start offset \(start)") { _, next in
                next.map { $0.baseOffset <= start } ?? false
            }
        }
    }

    /// DeleteRecords: moves the log start offset up to `offset` (never down) and deletes the
    /// segments wholly below it. `offset` may not pass the high watermark (default: the log
    /// end offset). Returns the new log start offset (the "low watermark").
    @discardableResult
    public func deleteRecords(before offset: Int64, highWatermark: Int64? = nil) throws -> Int64 {
        try lock.withLock {
            try checkOpen()
            let limit = highWatermark ?? logEndOffsetStorage
            guard offset >= 0, offset <= limit else {
                throw LogStoreError.offsetOutOfRange(offset: offset, logStartOffset: logStartOffsetStorage, logEndOffset: limit)
            }
            if offset > logStartOffsetStorage {
                logger.info("Incrementing log start offset of \(directory) to \(offset) (DeleteRecords)")
                logStartOffsetStorage = offset
                recoveryPointStorage = max(recoveryPointStorage, min(offset, logEndOffsetStorage))
                try epochCache.truncateFromStart(offset)
                producerState.onLogStartOffsetIncremented(offset)
            }
            let start = logStartOffsetStorage
            _ = try deleteSegmentsLocked(highWatermark: nil, reason: "below log start offset \(start)") { _, next in
                next.map { $0.baseOffset <= start } ?? false
            }
            return logStartOffsetStorage
        }
    }

    /// Kafka's `deletableSegments` + `deleteSegments`: the leading run of segments matching
    /// `predicate`, never the last one when it is empty, never past the high watermark. When
    /// every segment goes, a new active segment is rolled first.
    private func deleteSegmentsLocked(highWatermark: Int64?, reason: String,
                                      predicate: (Segment, Segment?) -> Bool) throws -> Int {
        let limit = highWatermark ?? logEndOffsetStorage
        var deletable: [Segment] = []
        for (slot, segment) in segments.all.enumerated() {
            let next = slot + 1 < segments.count ? segments.all[slot + 1] : nil
            let isLastAndEmpty = next == nil && segment.isEmpty
            guard predicate(segment, next), !isLastAndEmpty, limit >= (next?.baseOffset ?? logEndOffsetStorage) else { break }
            deletable.append(segment)
        }
        guard !deletable.isEmpty else { return 0 }
        if deletable.count == segments.count {
            try rollLocked(newBaseOffset: logEndOffsetStorage, reason: "all segments are deletable (\(reason))")
        }
        for segment in deletable {
            logger.info("Deleting segment \(segment.logPath) (offsets from \(segment.baseOffset), \(segment.size) bytes): \(reason)")
            try segment.delete()
            segments.remove(baseOffset: segment.baseOffset)
            // Kafka's deleteProducerSnapshots: a deleted segment's snapshot goes with it.
            try producerState.deleteSnapshot(at: segment.baseOffset)
        }
        directoryNeedsSync = true
        if let first = segments.first, first.baseOffset > logStartOffsetStorage {
            logStartOffsetStorage = first.baseOffset
            recoveryPointStorage = max(recoveryPointStorage, logStartOffsetStorage)
            try epochCache.truncateFromStart(logStartOffsetStorage)
            producerState.onLogStartOffsetIncremented(logStartOffsetStorage)
        }
        return deletable.count
    }
}
