import KafkaProtocol
import Logging

/// What `LogLoader.load` hands to `PartitionLog`.
struct LoadedLog {
    var segments: SegmentSet
    var logStartOffset: Int64
    var logEndOffset: Int64
    var recoveryPoint: Int64
}

/// Opens a partition directory and makes its segments consistent (Kafka's `LogLoader`).
///
/// 1. Removes `.deleted` and `.cleaned` leftovers and swap files made from cleaned ones;
///    finishes valid `.log.swap` files (replaces the segments they cover).
/// 2. Skips, with a warning, files whose names are not Kafka segment names (`abc.log`);
///    deletes index files whose `.log` is gone.
/// 3. Opens every segment. After an unclean shutdown every segment from the one holding the
///    recovery point onwards is scanned (`Segment.recover`); the first bad batch truncates
///    the log there and every later segment is deleted. Other segments get an index sanity
///    check; a missing or corrupt index is rebuilt by a scan.
/// 4. Makes sure a segment exists (an empty one at the log start offset for a new log).
/// Not thread-safe; runs before the `PartitionLog` exists.
struct LogLoader {
    let directory: String
    let config: LogConfig
    let now: Int64
    let logger: Logger

    func load(recoveryPoint: Int64, logStartOffset checkpointedStart: Int64, hadCleanShutdown: Bool) throws -> LoadedLog {
        try FileSystem.createDirectory(directory)
        try removeTemporaryFilesAndFinishSwaps()
        var segments = SegmentSet()
        for name in try FileSystem.list(directory) {
            guard let parsed = LogFileName(parsing: name) else {
                if [".log", ".index", ".timeindex", ".txnindex"].contains(where: name.hasSuffix) {
                    logger.warning("Ignoring \(directory)/\(name): not a Kafka segment file name (20-digit base offset)")
                }
                continue
            }
            guard parsed.temporary == nil else { continue }
            switch parsed.kind {
            case .index, .timeIndex, .transactionIndex:
                if !FileSystem.exists(Segment.path(directory, parsed.baseOffset, .log)) {
                    logger.warning("Deleting orphaned index \(directory)/\(name): its .log file is missing")
                    try FileSystem.remove(directory + "/" + name)
                }
            case .log:
                segments.add(try makeSegment(baseOffset: parsed.baseOffset))
            case .producerSnapshot:
                continue
            }
        }

        // A segment made here is empty: nothing to check (its indexes do not exist yet).
        var freshBase: Int64?
        if segments.isEmpty {
            let base = max(0, checkpointedStart)
            freshBase = base
            segments.add(try makeSegment(baseOffset: base))
            logger.info("Created the first segment \(Segment.path(directory, base, .log))")
        }

        let recoverFrom: Int64? = hadCleanShutdown ? nil : (segments.floor(recoveryPoint)?.baseOffset ?? segments.first!.baseOffset)
        var slot = 0
        while slot < segments.count {
            let segment = segments.all[slot]
            var mustRecover = recoverFrom.map { segment.baseOffset >= $0 } ?? false
            if segment.baseOffset == freshBase { mustRecover = false } else if !mustRecover {
                do {
                    try segment.sanityCheck()
                } catch let error as LogStoreError {
                    logger.warning("Rebuilding the indexes of \(segment.logPath): \(error)")
                    mustRecover = true
                }
            }
            if mustRecover {
                let result = try segment.recover(maxBatchBytes: max(config.maxMessageBytes, config.segmentBytes) + RecordBatchHeader.logOverhead)
                if result.truncatedBytes > 0 {
                    logger.error(
                        "Truncated \(segment.logPath) at position \(result.validBytes) (next offset \(result.nextOffset)), removing \(result.truncatedBytes) bytes: \(result.stopReason ?? "invalid data")")
                    for later in segments.all[(slot + 1)...] {
                        logger.error("Deleting segment \(later.logPath) after the truncation of \(segment.logPath)")
                        try later.delete()
                        segments.remove(baseOffset: later.baseOffset)
                    }
                }
            }
            slot += 1
        }

        var logEndOffset = try segments.active!.readNextOffset()
        var logStartOffset = max(checkpointedStart, segments.first!.baseOffset)
        if logEndOffset < logStartOffset {
            logger.warning("Log end offset \(logEndOffset) is below the log start offset \(logStartOffset) in \(directory); starting an empty log at \(logStartOffset)")
            for segment in segments.all { try segment.delete() }
            segments.removeAll()
            segments.add(try makeSegment(baseOffset: logStartOffset))
            logEndOffset = logStartOffset
        }
        logStartOffset = min(logStartOffset, logEndOffset)
        let newRecoveryPoint = hadCleanShutdown ? logEndOffset : min(max(recoveryPoint, logStartOffset), logEndOffset)
        return LoadedLog(segments: segments, logStartOffset: logStartOffset, logEndOffset: logEndOffset, recoveryPoint: newRecoveryPoint)
    }

    func makeSegment(baseOffset: Int64) throws -> Segment {
        let jitter = config.segmentJitterMs > 0 ? Int64.random(in: 0..<min(config.segmentJitterMs, config.segmentMs)) : 0
        return try Segment(
            directory: directory, baseOffset: baseOffset, indexIntervalBytes: config.indexIntervalBytes,
            maxIndexSize: config.segmentIndexBytes, rollJitterMs: jitter, now: now)
    }

    /// Step 1: `.deleted` files go; `.cleaned` files go, and so do `.swap` files at or above
    /// the lowest cleaned offset (the cleaning that made them did not finish); a remaining
    /// `.log.swap` replaces the segments whose base offsets fall in its offset range.
    private func removeTemporaryFilesAndFinishSwaps() throws {
        var swaps: [LogFileName] = []
        var minCleaned = Int64.max
        for name in try FileSystem.list(directory) {
            guard let parsed = LogFileName(parsing: name), let temporary = parsed.temporary else { continue }
            switch temporary {
            case .deleted:
                logger.info("Deleting leftover \(directory)/\(name)")
                try FileSystem.remove(directory + "/" + name)
            case .cleaned:
                minCleaned = min(minCleaned, parsed.baseOffset)
                logger.info("Deleting leftover \(directory)/\(name)")
                try FileSystem.remove(directory + "/" + name)
            case .swap:
                swaps.append(parsed)
            }
        }
        for swap in swaps {
            let path = directory + "/" + swap.description
            if swap.baseOffset >= minCleaned || swap.kind != .log {
                // Index swaps are rebuilt from the log; swaps of an unfinished cleaning are dropped.
                logger.info("Deleting swap file \(path)")
                try FileSystem.remove(path)
                continue
            }
            let file = try LogFile(path: path, create: false)
            var scanner = BatchScanner(file: file, from: 0, to: try file.size())
            var next = swap.baseOffset
            while let batch = try scanner.next() { next = batch.header.nextOffset }
            file.close()
            for name in try FileSystem.list(directory) {
                guard let parsed = LogFileName(parsing: name), parsed.temporary == nil, parsed.kind != .producerSnapshot,
                      parsed.baseOffset >= swap.baseOffset, parsed.baseOffset < max(next, swap.baseOffset + 1) else { continue }
                logger.info("Deleting \(directory)/\(name), replaced by swap file \(path)")
                try FileSystem.remove(directory + "/" + name)
            }
            logger.info("Renaming swap file \(path) into place")
            try FileSystem.rename(path, to: Segment.path(directory, swap.baseOffset, .log))
        }
    }
}
