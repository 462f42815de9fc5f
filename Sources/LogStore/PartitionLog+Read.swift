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

    /// ListOffsets: the first record at or after the log start offset whose timestamp is ≥
    /// `timestamp` — its timestamp and offset — as Kafka's `LogSegment.findOffsetByTimestamp`
    /// and `FileRecords.searchForTimestamp`: the time index and offset index give a starting
    /// position, batch headers are scanned for the first batch with maxTimestamp ≥ `timestamp`,
    /// and that batch is decoded (decompressed if needed) to find the record. A LogAppendTime
    /// batch with contiguous offsets needs no decoding: all its records carry its maxTimestamp.
    ///
    /// Special values: -2 earliest (and -4 earliest local), -1 latest, -3 the first record
    /// carrying the largest timestamp (KIP-734; Kafka's `RecordBatch.offsetOfMaxTimestamp`).
    /// Nil when no record qualifies.
    ///
    /// - Throws: `corruptRecord` when a batch that must be decoded does not decode, or would
    ///   decompress to more than `max.message.bytes` × `timestampLookupDecompressionFactor`.
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
                return try offsetOfMaxTimestampLocked()
            case ..<0:
                return nil
            default:
                for segment in segments.all where segment.maxTimestampSoFar >= timestamp {
                    if segment !== segments.active, let next = segments.next(after: segment), next.baseOffset <= start { continue }
                    if let found = try searchForTimestampLocked(timestamp, in: segment, startingOffset: start) { return found }
                }
                return nil
            }
        }
    }

    /// Bound on decompressing one batch for a timestamp lookup, as a multiple of
    /// `max.message.bytes` (or of the batch's own size when larger): with the default
    /// 1 MiB limit this is KafkaProtocol's default of 64 MiB.
    static let timestampLookupDecompressionFactor = 64

    /// Kafka's `FileRecords.searchForTimestamp` over one segment, from the position the
    /// indexes give: the first record with timestamp ≥ `timestamp` and offset ≥ `startingOffset`.
    private func searchForTimestampLocked(_ timestamp: Int64, in segment: Segment, startingOffset: Int64) throws -> TimestampAndOffset? {
        let entry = segment.timeIndex.lookup(timestamp)
        let position = segment.offsetIndex.lookup(max(entry.offset, startingOffset)).position
        var scanner = segment.scanner(from: position)
        while let location = try scanner.next() {
            let header = location.header
            guard header.lastOffset >= startingOffset, header.maxTimestamp >= timestamp else { continue }
            if header.attributes.timestampType == .logAppendTime && Int64(header.recordsCount) == Int64(header.lastOffsetDelta) + 1 {
                // Every record has the batch's timestamp and the offsets have no gaps.
                let offset = max(header.baseOffset, startingOffset)
                return TimestampAndOffset(timestamp: header.maxTimestamp, offset: offset, leaderEpoch: epochCache.epoch(forOffset: offset))
            }
            let batch = try decodeBatchLocked(location, in: segment)
            for record in batch.records {
                let offset = batch.offset(of: record), recordTimestamp = batch.timestamp(of: record)
                if recordTimestamp >= timestamp && offset >= startingOffset {
                    return TimestampAndOffset(timestamp: recordTimestamp, offset: offset, leaderEpoch: epochCache.epoch(forOffset: offset))
                }
            }
        }
        return nil
    }

    /// ListOffsets -3, as Kafka's `UnifiedLog.fetchOffsetByTimestamp` since KIP-734: the segment
    /// with the largest timestamp, the first batch in it with that max timestamp (segments
    /// and indexes track batches), then the first record in that batch carrying it.
    private func offsetOfMaxTimestampLocked() throws -> TimestampAndOffset? {
        var best: Segment?
        for segment in segments.all where segment.maxTimestampSoFar > (best?.maxTimestampSoFar ?? -1) { best = segment }
        guard let best else { return nil }
        let maxTimestamp = best.maxTimestampSoFar
        var offset = best.offsetOfMaxTimestampSoFar
        var scanner = best.scanner(from: best.offsetIndex.lookup(offset).position)
        while let location = try scanner.next() {
            let header = location.header
            guard header.maxTimestamp == maxTimestamp else { continue }
            if header.attributes.timestampType == .logAppendTime && Int64(header.recordsCount) == Int64(header.lastOffsetDelta) + 1 {
                offset = header.baseOffset
            } else {
                let batch = try decodeBatchLocked(location, in: best)
                // A header whose maxTimestamp no record carries keeps the batch's last offset.
                offset = batch.records.first { batch.timestamp(of: $0) == maxTimestamp }.map { batch.offset(of: $0) } ?? header.lastOffset
            }
            break
        }
        return TimestampAndOffset(timestamp: maxTimestamp, offset: offset, leaderEpoch: epochCache.epoch(forOffset: offset))
    }

    /// Reads and decodes (decompresses) one batch of `segment`, bounded by
    /// `timestampLookupDecompressionFactor` × max(max.message.bytes, the batch's size).
    private func decodeBatchLocked(_ location: BatchLocation, in segment: Segment) throws -> RecordBatch {
        let bytes = try segment.log.read(at: location.position, count: location.size)
        let limit = max(configStorage.maxMessageBytes, location.size) * Self.timestampLookupDecompressionFactor
        do {
            return try RecordBatch.decode(bytes, at: bytes.readerIndex, maxDecompressedBytes: limit)
        } catch {
            throw LogStoreError.corruptRecord(
                "batch at position \(location.position) of \(segment.logPath) (offsets \(location.header.baseOffset)...\(location.header.lastOffset)) does not decode: \(error)")
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
