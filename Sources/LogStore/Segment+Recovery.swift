import KafkaProtocol
import NIOCore

/// What `Segment.recover` found.
struct SegmentRecovery {
    /// Bytes cut off the end of the `.log` (0 when every batch was valid).
    var truncatedBytes: Int
    /// Offset after the last valid batch (the base offset when none).
    var nextOffset: Int64
    /// Why the scan stopped early, for the log message; nil when it reached the end.
    var stopReason: String?
    /// Position of the first invalid byte (the new size).
    var validBytes: Int
}

extension Segment {
    /// Scans every batch from position 0 — magic 2, a possible length, the whole batch present,
    /// CRC-32C, offsets increasing and inside this segment — and truncates the `.log` at the
    /// first batch that fails (a torn write, a corrupt byte, a zero-filled preallocated tail).
    /// Both indexes are rebuilt from the valid batches (Kafka's `LogSegment.recover`).
    func recover(maxBatchBytes: Int) throws -> SegmentRecovery {
        try offsetIndex.reset()
        try timeIndex.reset()
        indexWasMissing = false
        bytesSinceLastIndexEntry = 0
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = -1
        rollingBasedTimestamp = nil
        var batches = 0, records = 0
        let fileSize = try log.size()
        var position = 0
        var nextOffset = baseOffset
        var stopReason: String?
        var window = ByteBuffer()
        var windowStart = 0
        let chunk = 1 << 20

        scan: while position < fileSize {
            let remaining = fileSize - position
            guard remaining >= RecordBatchHeader.size else {
                stopReason = "\(remaining) trailing bytes are shorter than a batch header"
                break
            }
            if position < windowStart || position + RecordBatchHeader.size > windowStart + window.readableBytes {
                window = try log.read(at: position, count: min(chunk, remaining))
                windowStart = position
            }
            let header = RecordBatchHeader.peek(window, at: position - windowStart)!
            let minLength = Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead)
            switch true {
            case header.magic != RecordBatchHeader.currentMagic:
                stopReason = "magic \(header.magic) is not 2"
            case header.batchLength < minLength:
                stopReason = "batch length \(header.batchLength) is below the minimum \(minLength)"
            case header.totalSize > maxBatchBytes:
                stopReason = "batch size \(header.totalSize) is above the maximum \(maxBatchBytes)"
            case header.totalSize > remaining:
                stopReason = "batch of \(header.totalSize) bytes is torn: only \(remaining) bytes remain"
            case header.lastOffsetDelta < 0 || header.baseOffset < nextOffset:
                stopReason = "offsets \(header.baseOffset)...\(header.lastOffset) do not follow \(nextOffset - 1)"
            case !canConvertToRelativeOffset(header.lastOffset):
                stopReason = "offset \(header.lastOffset) does not fit this segment"
            default:
                stopReason = nil
            }
            if stopReason != nil { break scan }
            if position + header.totalSize > windowStart + window.readableBytes {
                window = try log.read(at: position, count: max(min(chunk, remaining), header.totalSize))
                windowStart = position
            }
            guard RecordBatchHeader.crcIsValid(in: window, at: position - windowStart) else {
                stopReason = "CRC mismatch (stored \(header.crc))"
                break
            }
            if header.maxTimestamp > maxTimestampSoFar {
                maxTimestampSoFar = header.maxTimestamp
                offsetOfMaxTimestampSoFar = header.lastOffset
            }
            if position == 0 { rollingBasedTimestamp = header.maxTimestamp }
            if bytesSinceLastIndexEntry > indexIntervalBytes {
                try offsetIndex.append(offset: header.lastOffset, position: position)
                try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
                bytesSinceLastIndexEntry = 0
            }
            bytesSinceLastIndexEntry += header.totalSize
            batches += 1
            records += Int(max(0, header.recordsCount))
            nextOffset = header.nextOffset
            position += header.totalSize
        }

        let truncated = fileSize - position
        if truncated > 0 { try log.truncate(to: position) }
        size = position
        batchCount = batches
        recordCount = records
        // A cleanly closed segment ends its time index with its max timestamp; so does a recovered one.
        if maxTimestampSoFar >= 0 {
            try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
        }
        return SegmentRecovery(truncatedBytes: truncated, nextOffset: nextOffset, stopReason: stopReason, validBytes: position)
    }

    /// Checks both indexes against the log (Kafka's `LogSegment.sanityCheck`, which is stricter
    /// here: offsets, positions and timestamps are checked entry by entry). Throws
    /// `corruptIndex` when an index is missing, torn or inconsistent.
    func sanityCheck() throws {
        if indexWasMissing {
            throw LogStoreError.corruptIndex(path: offsetIndex.path, reason: "index file was missing")
        }
        try offsetIndex.sanityCheck(logSize: size)
        let next: Int64? = size == 0 ? baseOffset : nil
        try timeIndex.sanityCheck(nextOffset: next)
        if offsetIndex.entryCount > 0 || timeIndex.entryCount > 0 {
            // The last entries must point at real batches whose offsets match.
            let last = offsetIndex.entryCount > 0 ? offsetIndex.entry(at: offsetIndex.entryCount - 1) : nil
            if let last {
                var scanner = scanner(from: last.position)
                guard let batch = try scanner.next(), batch.header.lastOffset == last.offset else {
                    throw LogStoreError.corruptIndex(
                        path: offsetIndex.path,
                        reason: "last entry (offset \(last.offset), position \(last.position)) does not match a batch")
                }
            }
            if let lastTime = timeIndex.lastEntry, lastTime.offset > (try readNextOffset()) - 1 {
                throw LogStoreError.corruptIndex(path: timeIndex.path, reason: "last entry offset \(lastTime.offset) is past the log end")
            }
        }
    }
}
