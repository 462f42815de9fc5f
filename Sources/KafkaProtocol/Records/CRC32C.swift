import CCRC32C
import NIOCore

/// CRC-32C (Castagnoli), the checksum of record batch v2 (Kafka's `Crc32C`).
///
/// Backed by ISA-L through `CCRC32C`; values are the standard, finalised CRC and chain:
/// `CRC32C.checksum(b, continuing: CRC32C.checksum(a)) == CRC32C.checksum(a + b)`.
public enum CRC32C {
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return wharf_crc32c(crc, base, bytes.count)
    }

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32
    where Bytes.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), continuing: crc) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The CRC of `length` readable bytes of `buffer` starting at absolute index `index`.
    public static func checksum(_ buffer: ByteBuffer, at index: Int, length: Int) -> UInt32? {
        guard index >= 0, length >= 0, index + length <= buffer.writerIndex else { return nil }
        return buffer.withUnsafeReadableBytes { raw -> UInt32? in
            let start = index - buffer.readerIndex
            guard start >= 0 else { return nil }
            return checksum(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
        }
    }
}
