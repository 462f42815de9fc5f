import KafkaProtocol
import NIOCore

extension PartitionLog {
    /// Reads whole batches starting with the one that holds `offset` (Kafka's `UnifiedLog.read`).
    /// As in Kafka, one read returns batches from one segment only; read again from the next
    /// offset to continue.
    ///
    /// - Parameters:
    ///   - maxBytes: the most bytes to return, except that with `minOneMessage` the first
    ///     batch is returned whole even when larger (as Kafka, so a consumer never gets stuck).
    ///   - maxOffset: exclusive upper bound (the high watermark for consumers): no batch with
    ///     an offset at or past it is returned.
    /// - Throws: `offsetOutOfRange` when `offset` is below the log start or past the log end.
    ///   Reading at the log end offset returns no records.
    public func read(from offset: Int64, maxBytes: Int, maxOffset: Int64? = nil, minOneMessage: Bool = true) throws -> LogReadResult {
        try lock.withLock {
            try checkOpen()
            let start = logStartOffsetStorage, end = logEndOffsetStorage
            guard offset >= start, offset <= end else {
                throw LogStoreError.offsetOutOfRange(offset: offset, logStartOffset: start, logEndOffset: end)
            }
            var result = LogReadResult(records: ByteBuffer(), logStartOffset: start, logEndOffset: end)
            if offset == end || (maxOffset.map { offset >= $0 } ?? false) { return result }
            var current = segments.floor(offset)
            while let segment = current {
                let next = segments.next(after: segment)
                var maxPosition = segment.size
                if let maxOffset, (next?.baseOffset ?? Int64.max) > maxOffset {
                    maxPosition = try segment.translateOffset(maxOffset)?.position ?? segment.size
                }
                if let bytes = try segment.read(startOffset: offset, maxSize: maxBytes, maxPosition: maxPosition,
                                                minOneMessage: minOneMessage) {
                    result.records = bytes
                    return result
                }
                current = next
            }
            return result
        }
    }

    /// ListOffsets: the first batch whose max timestamp is ≥ `timestamp` — its max timestamp
    /// and base offset (batch granularity) — found through the time index and a short scan.
    /// Special values: -2 earliest (and -4 earliest local), -1 latest, -3 the batch with the
    /// largest timestamp. Nil when no batch qualifies.
    public func offsetForTimestamp(_ timestamp: Int64) throws -> TimestampAndOffset? {
        try lock.withLock {
            try checkOpen()
            let start = logStartOffsetStorage
            switch timestamp {
            case TimestampAndOffset.earliest, TimestampAndOffset.earliestLocal:
                return TimestampAndOffset(timestamp: -1, offset: start, leaderEpoch: epochCache.epoch(forOffset: start))
            case TimestampAndOffset.latest:
                return TimestampAndOffset(timestamp: -1, offset: logEndOffsetStorage, leaderEpoch: epochCache.latestEpoch)
            case TimestampAndOffset.maxTimestamp:
                var best: Segment?
                for segment in segments.all where segment.maxTimestampSoFar > (best?.maxTimestampSoFar ?? -1) { best = segment }
                guard let best else { return nil }
                let offset = best.offsetOfMaxTimestampSoFar
                return TimestampAndOffset(timestamp: best.maxTimestampSoFar, offset: offset, leaderEpoch: epochCache.epoch(forOffset: offset))
            case ..<0:
                return nil
            default:
                for segment in segments.all where segment.maxTimestampSoFar >= timestamp {
                    if segment !== segments.active, let next = segments.next(after: segment), next.baseOffset <= start { continue }
                    let entry = segment.timeIndex.lookup(timestamp)
                    let position = segment.offsetIndex.lookup(max(entry.offset, start)).position
                    var scanner = segment.scanner(from: position)
                    while let batch = try scanner.next() {
                        let header = batch.header
                        guard header.lastOffset >= start, header.maxTimestamp >= timestamp else { continue }
                        let offset = max(header.baseOffset, start)
                        return TimestampAndOffset(timestamp: header.maxTimestamp, offset: offset, leaderEpoch: epochCache.epoch(forOffset: offset))
                    }
                }
                return nil
            }
        }
    }

    /// One row per segment, oldest first, for a console.
    public func segmentInfos() -> [SegmentInfo] {
        lock.withLock {
            segments.all.map { segment in
                let next = segments.next(after: segment)
                return SegmentInfo(
                    baseOffset: segment.baseOffset, endOffset: next?.baseOffset ?? logEndOffsetStorage,
                    fileName: LogFileName(baseOffset: segment.baseOffset, kind: .log).description,
                    sizeInBytes: segment.size, batchCount: segment.batchCount, recordCount: segment.recordCount,
                    firstTimestamp: isClosed ? -1 : ((try? segment.firstBatchTimestamp()) ?? nil) ?? -1,
                    maxTimestamp: segment.maxTimestampSoFar,
                    offsetIndexEntries: segment.offsetIndex.entryCount, timeIndexEntries: segment.timeIndex.entryCount,
                    isActive: next == nil)
            }
        }
    }
}
