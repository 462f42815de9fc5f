import NIOCore

/// Writes an index file's entries in batches instead of one `pwrite` per entry.
///
/// Why deferring is safe: lookups use the in-memory entries, and an index file is trusted
/// only after a clean shutdown (which writes everything first); after a crash every segment
/// past the recovery point has its indexes rebuilt from the log, and the others were
/// flushed — `sync()` writes pending entries before it syncs. Kafka gets the same effect by
/// writing into an mmap. It takes two syscalls per append off the hot path (`make bench`).
///
/// Not thread-safe: owned by an index, which a `Segment` owns.
struct IndexFileWriter {
    /// Pending entries are written once this many bytes wait (and on sync, trim, close).
    static let batchBytes = 4096

    let file: LogFile
    /// Bytes of entries already in the file.
    private(set) var writtenBytes: Int
    private var pending = ByteBuffer()

    init(file: LogFile, writtenBytes: Int) {
        self.file = file
        self.writtenBytes = writtenBytes
    }

    /// Queues one entry's bytes; writes the queue when it is full.
    mutating func append(_ entry: (inout ByteBuffer) -> Void) throws {
        entry(&pending)
        if pending.readableBytes >= Self.batchBytes { try writePending() }
    }

    mutating func writePending() throws {
        guard pending.readableBytes > 0 else { return }
        try file.write(pending, at: writtenBytes)
        writtenBytes += pending.readableBytes
        pending.clear()
    }

    /// Writes pending entries, then syncs the file.
    mutating func sync() throws {
        try writePending()
        try file.sync()
    }

    /// Writes pending entries (best effort: a missing entry only costs a rebuild) and closes.
    mutating func close() {
        try? writePending()
        file.close()
    }

    /// Makes the file hold exactly the first `bytes` bytes of entries (pending ones included).
    mutating func truncate(to bytes: Int) throws {
        try writePending()
        try file.truncate(to: bytes)
        writtenBytes = bytes
    }
}
