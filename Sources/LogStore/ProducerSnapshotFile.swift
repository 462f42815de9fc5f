import KafkaProtocol
import NIOCore

/// A producer state snapshot, `<20-digit offset>.snapshot` (Kafka's
/// `ProducerStateManager.writeSnapshot`/`readSnapshot` and `PID_SNAPSHOT_MAP_SCHEMA`): the
/// producers known when the log ended at that offset. Big-endian:
/// ```
/// Version               int16   = 1
/// Crc                   uint32  CRC-32C of every byte after this field (from offset 6)
/// ProducerEntries       int32 count, then per entry (46 bytes):
///   ProducerId            int64
///   Epoch                 int16
///   LastSequence          int32   -1 when no batch is remembered
///   LastOffset            int64   -1 when no batch is remembered
///   OffsetDelta           int32   lastOffset - firstOffset of the last batch
///   Timestamp             int64   the producer's lastTimestamp
///   CoordinatorEpoch      int32
///   CurrentTxnFirstOffset int64   -1 when no transaction is open
/// ```
/// Only the last batch of each producer is stored, as in Kafka: older cached batches come
/// back only when recovery re-reads the log after the snapshot. Entries are written in
/// producer id order (Kafka writes its hash map's order; readers do not care).
/// Thread-safe (stateless).
public enum ProducerSnapshotFile {
    public static let version: Int16 = 1
    static let crcOffset = 2
    static let entriesOffset = 6
    static let entrySize = 46

    /// The file's bytes for `entries`.
    public static func encode(_ entries: [ProducerStateEntry]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: entriesOffset + 4 + entries.count * entrySize)
        buffer.writeInteger(version, endianness: .big)
        buffer.writeInteger(UInt32(0), endianness: .big)
        buffer.writeInteger(Int32(entries.count), endianness: .big)
        for entry in entries.sorted(by: { $0.producerId < $1.producerId }) {
            buffer.writeInteger(entry.producerId, endianness: .big)
            buffer.writeInteger(entry.producerEpoch, endianness: .big)
            buffer.writeInteger(entry.lastSequence, endianness: .big)
            buffer.writeInteger(entry.lastDataOffset, endianness: .big)
            buffer.writeInteger(entry.lastOffsetDelta, endianness: .big)
            buffer.writeInteger(entry.lastTimestamp, endianness: .big)
            buffer.writeInteger(entry.coordinatorEpoch, endianness: .big)
            buffer.writeInteger(entry.currentTxnFirstOffset ?? -1, endianness: .big)
        }
        let crc = CRC32C.checksum(buffer, at: entriesOffset, length: buffer.readableBytes - entriesOffset)!
        buffer.setInteger(crc, at: crcOffset, endianness: .big)
        return buffer
    }

    /// Parses a whole file; `path` only names it in errors. Throws `corruptProducerSnapshot`
    /// for an unknown version, a CRC mismatch, a short file or trailing bytes.
    public static func decode(_ bytes: ByteBuffer, path: String) throws -> [ProducerStateEntry] {
        func corrupt(_ reason: String) -> LogStoreError { .corruptProducerSnapshot(path: path, reason: reason) }
        var buffer = bytes
        guard let fileVersion = buffer.readInteger(endianness: .big, as: Int16.self),
              let storedCrc = buffer.readInteger(endianness: .big, as: UInt32.self) else {
            throw corrupt("\(bytes.readableBytes) bytes are too short for a snapshot header")
        }
        guard fileVersion == version else { throw corrupt("unknown snapshot version \(fileVersion)") }
        let computed = CRC32C.checksum(bytes, at: bytes.readerIndex + entriesOffset, length: bytes.readableBytes - entriesOffset)!
        guard storedCrc == computed else {
            throw corrupt("CRC is no longer valid (stored \(storedCrc), computed \(computed))")
        }
        guard let count = buffer.readInteger(endianness: .big, as: Int32.self), count >= 0 else {
            throw corrupt("missing or negative producer entry count")
        }
        guard buffer.readableBytes == Int(count) * entrySize else {
            throw corrupt("\(count) entries need \(Int(count) * entrySize) bytes, found \(buffer.readableBytes)")
        }
        return (0..<Int(count)).map { _ in
            let producerId = buffer.readInteger(endianness: .big, as: Int64.self)!
            let epoch = buffer.readInteger(endianness: .big, as: Int16.self)!
            let lastSequence = buffer.readInteger(endianness: .big, as: Int32.self)!
            let lastOffset = buffer.readInteger(endianness: .big, as: Int64.self)!
            let offsetDelta = buffer.readInteger(endianness: .big, as: Int32.self)!
            let timestamp = buffer.readInteger(endianness: .big, as: Int64.self)!
            let coordinatorEpoch = buffer.readInteger(endianness: .big, as: Int32.self)!
            let txnFirstOffset = buffer.readInteger(endianness: .big, as: Int64.self)!
            // Kafka's readSnapshot: a batch is remembered only when the offset is known.
            let batches = lastOffset >= 0
                ? [BatchMetadata(lastSequence: lastSequence, lastOffset: lastOffset, offsetDelta: offsetDelta, timestamp: timestamp)]
                : []
            return ProducerStateEntry(producerId: producerId, producerEpoch: epoch, batchMetadata: batches,
                                      coordinatorEpoch: coordinatorEpoch, lastTimestamp: timestamp,
                                      currentTxnFirstOffset: txnFirstOffset >= 0 ? txnFirstOffset : nil)
        }
    }

    /// Reads and parses the file at `path`.
    public static func read(path: String) throws -> [ProducerStateEntry] {
        let file = try LogFile(path: path, create: false)
        defer { file.close() }
        return try decode(try file.read(at: 0, count: try file.size()), path: path)
    }

    /// Writes the file durably: `path.tmp`, fdatasync, rename, fsync of the directory, so a
    /// crash leaves the old file or the new one, never a torn one (Kafka writes in place and
    /// relies on the CRC; a `.tmp` left by a crash is removed at load).
    static func write(_ entries: [ProducerStateEntry], to path: String) throws {
        let temporary = path + ".tmp"
        let file = try LogFile(path: temporary)
        do {
            try file.truncate(to: 0)
            try file.write(encode(entries), at: 0)
            try file.sync()
            file.close()
        } catch {
            file.close()
            try? FileSystem.remove(temporary)
            throw error
        }
        try FileSystem.rename(temporary, to: path)
        try FileSystem.syncDirectory(FileSystem.parent(of: path))
    }
}
