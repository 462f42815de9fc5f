import KafkaProtocol
import NIOCore

/// A batch about to be appended: where it sits in the append buffer and what the indexes need.
struct PendingBatch {
    var position: Int
    var size: Int
    var baseOffset: Int64
    var lastOffset: Int64
    var maxTimestamp: Int64
    var recordCount: Int
}

/// One segment of a partition's log: the `.log` file of record batches plus its `.index` and
/// `.timeindex` (Kafka's `LogSegment`).
///
/// The `.log` file is a plain concatenation of record batches v2 (see `RecordBatchHeader`),
/// in offset order, the first at position 0; the segment's base offset names all its files.
/// Writes go through `pwrite` at the current size, so a failed write is cut back
/// (`ftruncate`) and leaves the segment as it was. Not thread-safe: owned by `PartitionLog`,
/// which serialises every call under its lock.
final class Segment {
    let baseOffset: Int64
    let directory: String
    let log: LogFile
    let offsetIndex: OffsetIndex
    let timeIndex: TimeIndex
    /// Bytes in the `.log` file.
    var size: Int
    var indexIntervalBytes: Int
    /// Random roll jitter of this segment, drawn from [0, segment.jitter.ms) when it is made.
    let rollJitterMs: Int64
    /// When this segment object was made (ms); the roll clock when no batch has a timestamp.
    private(set) var created: Int64
    var bytesSinceLastIndexEntry = 0
    var maxTimestampSoFar: Int64 = -1
    var offsetOfMaxTimestampSoFar: Int64 = -1
    /// Max timestamp of the first batch, the base of time-based roll; loaded lazily.
    var rollingBasedTimestamp: Int64?
    /// Batches and records appended or scanned; nil when the segment was opened without a scan.
    var batchCount: Int?
    var recordCount: Int?
    /// True when an index file was missing at open and must be rebuilt (cleared by `recover`).
    var indexWasMissing: Bool

    var logPath: String { log.path }
    static func path(_ directory: String, _ baseOffset: Int64, _ kind: LogFileName.Kind) -> String {
        directory + "/" + LogFileName(baseOffset: baseOffset, kind: kind).description
    }

    /// Opens the segment's files, creating any that are missing.
    init(directory: String, baseOffset: Int64, indexIntervalBytes: Int, maxIndexSize: Int, rollJitterMs: Int64, now: Int64) throws {
        self.baseOffset = baseOffset
        self.directory = directory
        let indexPath = Self.path(directory, baseOffset, .index)
        let timeIndexPath = Self.path(directory, baseOffset, .timeIndex)
        indexWasMissing = !FileSystem.exists(indexPath) || !FileSystem.exists(timeIndexPath)
        log = try LogFile(path: Self.path(directory, baseOffset, .log))
        offsetIndex = try OffsetIndex(path: indexPath, baseOffset: baseOffset, maxIndexSize: maxIndexSize)
        timeIndex = try TimeIndex(path: timeIndexPath, baseOffset: baseOffset, maxIndexSize: maxIndexSize)
        size = try log.size()
        self.indexIntervalBytes = indexIntervalBytes
        self.rollJitterMs = rollJitterMs
        created = now
        if size == 0 { batchCount = 0; recordCount = 0 }
        if let last = timeIndex.lastEntry {
            maxTimestampSoFar = last.timestamp
            offsetOfMaxTimestampSoFar = last.offset
        }
    }

    var isEmpty: Bool { size == 0 }

    /// Whether `offset` can be stored as a 32-bit offset relative to this segment.
    func canConvertToRelativeOffset(_ offset: Int64) -> Bool {
        let relative = offset - baseOffset
        return relative >= 0 && relative <= Int64(Int32.max)
    }

    // MARK: Append

    /// Appends the batches in `buffer` (already validated and offset-assigned) at the end of
    /// the `.log`, adding an index entry whenever more than `index.interval.bytes` were written
    /// since the last one (Kafka's `LogSegment.append`, per batch). On any failure the log and
    /// indexes are cut back to where they were and the error is rethrown.
    func append(_ buffer: ByteBuffer, batches: [PendingBatch]) throws {
        guard buffer.readableBytes > 0, let last = batches.last else { return }
        guard canConvertToRelativeOffset(last.lastOffset), canConvertToRelativeOffset(batches[0].baseOffset) else {
            throw LogStoreError.offsetOverflow(offset: last.lastOffset, segmentBaseOffset: baseOffset)
        }
        let start = size
        let saved = (bytesSinceLastIndexEntry, maxTimestampSoFar, offsetOfMaxTimestampSoFar, batchCount, recordCount)
        do {
            try log.write(buffer, at: start)
            if start == 0 { rollingBasedTimestamp = batches[0].maxTimestamp }
            for batch in batches {
                if batch.maxTimestamp > maxTimestampSoFar {
                    maxTimestampSoFar = batch.maxTimestamp
                    offsetOfMaxTimestampSoFar = batch.lastOffset
                }
                if bytesSinceLastIndexEntry > indexIntervalBytes {
                    try offsetIndex.append(offset: batch.lastOffset, position: start + batch.position)
                    try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
                    bytesSinceLastIndexEntry = 0
                }
                bytesSinceLastIndexEntry += batch.size
                batchCount? += 1
                recordCount? += batch.recordCount
            }
            size = start + buffer.readableBytes
        } catch {
            // Leave the segment as it was: cut the log back, drop index entries of this append.
            try? log.truncate(to: start)
            try? offsetIndex.truncate(to: batches[0].baseOffset)
            try? timeIndex.truncate(to: batches[0].baseOffset)
            (bytesSinceLastIndexEntry, maxTimestampSoFar, offsetOfMaxTimestampSoFar, batchCount, recordCount) = saved
            if start == 0 { rollingBasedTimestamp = nil }
            throw error
        }
    }

    // MARK: Read

    /// Position and header of the first batch whose last offset is ≥ `offset`, starting from
    /// the index entry below it and scanning forward (Kafka's `translateOffset`).
    func translateOffset(_ offset: Int64, startingPosition: Int = 0) throws -> BatchLocation? {
        let entry = offsetIndex.lookup(offset)
        var scanner = BatchScanner(file: log, from: max(entry.position, startingPosition), to: size,
                                   windowSize: BatchScanner.lookupWindowSize)
        while let batch = try scanner.next() {
            if batch.header.lastOffset >= offset { return batch }
        }
        return nil
    }

    /// Whole batches from the one holding `startOffset`, at most `maxSize` bytes (but the first
    /// batch whole when `minOneMessage`) and none at or past `maxPosition`. Nil when no batch
    /// of this segment holds an offset ≥ `startOffset`.
    func read(startOffset: Int64, maxSize: Int, maxPosition: Int, minOneMessage: Bool) throws -> ByteBuffer? {
        guard let first = try translateOffset(startOffset) else { return nil }
        let limit = min(maxPosition, size)
        guard first.position < limit else { return ByteBuffer() }
        let adjustedMax = minOneMessage ? max(maxSize, first.size) : maxSize
        let fetchSize = min(limit - first.position, adjustedMax)
        guard fetchSize > 0 else { return ByteBuffer() }
        var bytes = try log.read(at: first.position, count: fetchSize)
        // Keep whole batches only.
        var end = 0
        while let header = RecordBatchHeader.peek(bytes, at: end),
              header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
              end + header.totalSize <= bytes.readableBytes {
            end += header.totalSize
        }
        bytes.moveWriterIndex(to: end)
        return bytes
    }

    /// Every batch header of the segment from `position`, in order.
    func scanner(from position: Int = 0) -> BatchScanner { BatchScanner(file: log, from: position, to: size) }

    /// The offset after the last batch, or the base offset when empty (Kafka's `readNextOffset`).
    func readNextOffset() throws -> Int64 {
        var scanner = scanner(from: offsetIndex.lookup(offsetIndex.lastOffset).position)
        var next = baseOffset
        while let batch = try scanner.next() { next = batch.header.nextOffset }
        return next
    }

    /// The first batch's max timestamp, read once.
    func firstBatchTimestamp() throws -> Int64? {
        if rollingBasedTimestamp == nil, size > 0 {
            var scanner = scanner()
            rollingBasedTimestamp = try scanner.next()?.header.maxTimestamp
        }
        return rollingBasedTimestamp
    }

    /// Time that counts towards `segment.ms`: from the first batch's timestamp to the new
    /// batches' max timestamp, or since creation when there is no timestamp (Kafka's
    /// `timeWaitedForRoll`).
    func timeWaitedForRoll(now: Int64, messageTimestamp: Int64) throws -> Int64 {
        if let first = try firstBatchTimestamp(), first >= 0 { return messageTimestamp - first }
        return now - created
    }

    /// The largest timestamp, or the file's modification time when no batch has one (Kafka's
    /// `largestTimestamp`, which retention.ms compares against).
    var largestTimestamp: Int64 {
        if maxTimestampSoFar >= 0 { return maxTimestampSoFar }
        return FileSystem.modificationTime(log.path) ?? created
    }

    // MARK: Truncate, flush, close, delete

    /// Removes every batch with an offset ≥ `offset` (whole batches: the batch holding `offset`
    /// goes too) and the index entries pointing at them. Returns the bytes removed.
    @discardableResult
    func truncate(to offset: Int64, now: Int64) throws -> Int {
        let location = try translateOffset(offset)
        try offsetIndex.truncate(to: offset)
        try timeIndex.truncate(to: offset)
        var removed = 0
        if let location {
            removed = size - location.position
            try log.truncate(to: location.position)
            size = location.position
            batchCount = nil
            recordCount = nil
        }
        if size == 0 {
            created = now
            rollingBasedTimestamp = nil
            batchCount = 0
            recordCount = 0
        }
        bytesSinceLastIndexEntry = 0
        try recomputeMaxTimestamp()
        return removed
    }

    /// Re-reads the max timestamp from the last time index entry forward (Kafka's
    /// `readLargestTimestamp`).
    private func recomputeMaxTimestamp() throws {
        maxTimestampSoFar = -1
        offsetOfMaxTimestampSoFar = -1
        var start = 0
        if let last = timeIndex.lastEntry {
            maxTimestampSoFar = last.timestamp
            offsetOfMaxTimestampSoFar = last.offset
            start = offsetIndex.lookup(last.offset).position
        }
        var scanner = scanner(from: start)
        while let batch = try scanner.next() {
            if batch.header.maxTimestamp > maxTimestampSoFar {
                maxTimestampSoFar = batch.header.maxTimestamp
                offsetOfMaxTimestampSoFar = batch.header.lastOffset
            }
        }
    }

    /// fdatasync of the log and both indexes.
    func flush() throws {
        try log.sync()
        try offsetIndex.sync()
        try timeIndex.sync()
    }

    /// Called when a newer segment takes over: the time index gets a last entry with the
    /// segment's max timestamp, and both indexes are trimmed (Kafka's `onBecomeInactiveSegment`).
    func onBecomeInactive() throws {
        if maxTimestampSoFar >= 0 {
            try timeIndex.maybeAppend(timestamp: maxTimestampSoFar, offset: offsetOfMaxTimestampSoFar)
        }
        try offsetIndex.trimToValidSize()
        try timeIndex.trimToValidSize()
    }

    /// Like `onBecomeInactive`, then closes the files (Kafka's `LogSegment.close`).
    func close() {
        try? onBecomeInactive()
        log.close()
        offsetIndex.close()
        timeIndex.close()
    }

    /// Renames every file of the segment with the `.deleted` suffix, then unlinks them
    /// (Kafka renames first so a crash in between leaves files the loader knows to remove).
    func delete() throws {
        log.close()
        offsetIndex.close()
        timeIndex.close()
        var renamed: [String] = []
        for kind in [LogFileName.Kind.log, .index, .timeIndex, .transactionIndex] {
            let path = Self.path(directory, baseOffset, kind)
            guard FileSystem.exists(path) else { continue }
            try FileSystem.rename(path, to: path + LogFileName.Temporary.deleted.rawValue)
            renamed.append(path + LogFileName.Temporary.deleted.rawValue)
        }
        for path in renamed { try FileSystem.remove(path) }
    }
}
