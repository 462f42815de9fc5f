import NIOCore

// The length prefixes shared by strings, bytes and arrays. A length is returned as
// `Int?` inside an optional: outer nil = short/malformed, inner nil = the null marker.
extension ByteBuffer {
    /// Peeks a classic length prefix (`INT16` for strings, `INT32` for bytes and arrays):
    /// -1 is null, other negatives are malformed.
    @inlinable
    func getClassicLength<T: FixedWidthInteger & SignedInteger>(
        at index: Int, as: T.Type
    ) -> (length: Int?, prefix: Int)? {
        guard let raw = getInteger(at: index, endianness: .big, as: T.self) else { return nil }
        if raw == -1 { return (nil, MemoryLayout<T>.size) }
        guard raw >= 0 else { return nil }
        return (Int(raw), MemoryLayout<T>.size)
    }

    /// Peeks a compact length prefix (KIP-482): unsigned varint N+1, 0 is null.
    @inlinable
    func getCompactLength(at index: Int) -> (length: Int?, prefix: Int)? {
        guard let (raw, n) = getUnsignedVarint(at: index) else { return nil }
        return (raw == 0 ? nil : Int(raw) - 1, n)
    }

    /// Bytes readable from absolute `index` to the writer index.
    @inlinable
    func bytesAvailable(from index: Int) -> Int { writerIndex - index }

    @inlinable
    @discardableResult
    mutating func writeCompactLength(_ length: Int?) -> Int {
        guard let length else { return writeUnsignedVarint(0) }
        precondition(length < Int(UInt32.max), "compact length too large")
        return writeUnsignedVarint(UInt32(length + 1))
    }
}
