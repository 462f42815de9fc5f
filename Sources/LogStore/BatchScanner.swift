import KafkaProtocol
import NIOCore

/// One record batch found in a `.log` file: where it starts and its header.
struct BatchLocation {
    var position: Int
    var header: RecordBatchHeader
    var size: Int { header.totalSize }
}

/// Walks the batch headers of a `.log` file from a position, reading the file in windows of
/// `windowSize` bytes so a scan costs one `pread` per window, not one per batch.
///
/// Stops (returns nil) at the end, at a header shorter than 61 bytes, at a batch whose length
/// is impossible, or at one that runs past `end` (a torn write). Checks no CRC: `Segment.recover`
/// does. Not thread-safe; a short-lived value used under the owner's lock.
struct BatchScanner {
    /// Bytes read at a time: large for scans of whole segments (recovery), small for the
    /// short hop from an index entry to a batch on the read path, where a 64 KiB window
    /// would be copied on every fetch.
    static let scanWindowSize = 64 * 1024
    static let lookupWindowSize = 4 * 1024

    private let file: LogFile
    private let windowSize: Int
    private(set) var position: Int
    private let end: Int
    private var window = ByteBuffer()
    private var windowStart = 0

    init(file: LogFile, from position: Int, to end: Int, windowSize: Int = scanWindowSize) {
        self.file = file
        self.windowSize = windowSize
        self.position = position
        self.end = end
    }

    mutating func next() throws -> BatchLocation? {
        guard position + RecordBatchHeader.size <= end else { return nil }
        if position < windowStart || position + RecordBatchHeader.size > windowStart + window.readableBytes {
            window = try file.read(at: position, count: min(windowSize, end - position))
            windowStart = position
        }
        guard let header = RecordBatchHeader.peek(window, at: position - windowStart),
              header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
              position + header.totalSize <= end else { return nil }
        let location = BatchLocation(position: position, header: header)
        position += header.totalSize
        return location
    }
}
