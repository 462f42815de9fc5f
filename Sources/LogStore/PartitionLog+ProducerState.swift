import KafkaProtocol

extension PartitionLog {
    // MARK: Public view

    /// Every producer id the partition remembers, by id (for DescribeProducers and a console).
    public var producerStates: [ProducerStateEntry] {
        lock.withLock { producerState.producers.values.sorted { $0.producerId < $1.producerId } }
    }

    /// What the partition remembers about `producerId`, if anything.
    public func producerState(for producerId: Int64) -> ProducerStateEntry? {
        lock.withLock { producerState.producers[producerId] }
    }

    /// Offsets of the `.snapshot` files, ascending.
    public var producerSnapshotOffsets: [Int64] { lock.withLock { producerState.snapshotOffsets } }

    /// Forgets producers idle for `producer.id.expiration.ms` (Kafka runs this every
    /// `producer.id.expiration.check.interval.ms`, 10 minutes). Returns the expired ids.
    @discardableResult
    public func removeExpiredProducers() -> [Int64] {
        lock.withLock {
            let expired = producerState.removeExpiredProducers(now: clock.milliseconds())
            if !expired.isEmpty { logger.info("Expired producer ids \(expired)") }
            return expired
        }
    }

    /// Deletes the snapshots recovery will not need (Kafka's
    /// `deleteSnapshotsAfterRecoveryPointCheckpoint`): those below both the second-to-last
    /// segment (a truncation into it starts from its snapshot) and the segment below the
    /// recovery point (recovery after a crash starts there). Called after the recovery points
    /// are checkpointed; works on a closed log too (it only deletes files).
    @discardableResult
    public func deleteSnapshotsAfterRecoveryPointCheckpoint() throws -> Int64 {
        try lock.withLock {
            guard let active = segments.active else { return 0 }
            let twoSegmentsMinOffset = segments.floor(active.baseOffset - 1)?.baseOffset ?? active.baseOffset
            let recoveryPointOffset = segments.floor(recoveryPointStorage - 1)?.baseOffset ?? recoveryPointStorage
            let minOffsetToRetain = min(recoveryPointOffset, twoSegmentsMinOffset)
            try producerState.deleteSnapshotsBefore(minOffsetToRetain)
            return minOffsetToRetain
        }
    }

    // MARK: Rebuild

    /// Brings the producer map to the log end offset: loads the latest snapshot and replays
    /// the batch headers after it (Kafka's `UnifiedLog.rebuildProducerState`). Snapshots are
    /// taken at the base offsets of the last two segments as the replay passes them, and at
    /// the log end, so the next recovery or truncation has little to re-read.
    ///
    /// As in Kafka, a clean shutdown that left no snapshot at all (a log written before
    /// producer state existed) skips the scan and writes empty snapshots instead.
    func rebuildProducerStateLocked(reloadFromCleanShutdown: Bool) throws {
        let logEnd = logEndOffsetStorage
        let logStart = logStartOffsetStorage
        var offsetsToSnapshot: [Int64] = [logEnd]
        if let active = segments.active {
            offsetsToSnapshot.append(active.baseOffset)
            if let previous = segments.floor(active.baseOffset - 1) { offsetsToSnapshot.append(previous.baseOffset) }
        }
        if producerState.latestSnapshotOffset == nil && reloadFromCleanShutdown {
            for offset in offsetsToSnapshot.sorted() {
                producerState.updateMapEndOffset(offset)
                try producerState.takeSnapshot()
            }
            return
        }
        let isEmptyBeforeTruncation = producerState.isEmpty && producerState.mapEndOffset >= logEnd
        try producerState.truncateAndReload(logStartOffset: logStart, logEndOffset: logEnd, now: clock.milliseconds())
        if logEnd > producerState.mapEndOffset && !isEmptyBeforeTruncation {
            for segment in segments.segments(from: producerState.mapEndOffset, to: logEnd) {
                let start = max(segment.baseOffset, producerState.mapEndOffset, logStart)
                producerState.updateMapEndOffset(start)
                if offsetsToSnapshot.contains(segment.baseOffset) { try producerState.takeSnapshot() }
                try replayProducerBatchesLocked(of: segment, from: start, to: logEnd)
            }
        }
        producerState.updateMapEndOffset(logEnd)
        try producerState.takeSnapshot()
    }

    /// Replays the headers of `segment`'s batches holding offsets in [from, to) into the map,
    /// without validation (Kafka's `loadProducersFromRecords` with origin REPLICATION).
    private func replayProducerBatchesLocked(of segment: Segment, from: Int64, to: Int64) throws {
        guard let first = try segment.translateOffset(from) else { return }
        var scanner = segment.scanner(from: first.position)
        var headers: [RecordBatchHeader] = []
        while let batch = try scanner.next(), batch.header.baseOffset < to {
            if batch.header.hasProducerId { headers.append(batch.header) }
        }
        guard !headers.isEmpty else { return }
        if case let .updates(updates) = try producerState.analyze(headers, origin: .replica) {
            producerState.apply(updates, mapEndOffset: producerState.mapEndOffset)
        }
    }
}
