import NIOCore

// BYTES / NULLABLE_BYTES (int32 length, -1 = null) and COMPACT_BYTES /
// COMPACT_NULLABLE_BYTES (unsigned varint N+1, 0 = null), as in Kafka's `Type.java`.
// Values are returned as slices of this buffer (no copy). Nullable readers return
// `ByteBuffer??`: outer nil = short/malformed, inner nil = the wire null.
extension ByteBuffer {
    @inlinable
    func getBytesBody(length: Int?, prefix: Int, at index: Int) -> (ByteBuffer?, Int)? {
        guard let length else { return (nil, prefix) }
        guard length <= bytesAvailable(from: index + prefix),
              let slice = getSlice(at: index + prefix, length: length) else { return nil }
        return (slice, prefix + length)
    }

    @inlinable
    mutating func readBytes(with get: (ByteBuffer) -> (ByteBuffer?, Int)?, nullable: Bool) -> ByteBuffer?? {
        guard let (b, n) = get(self), nullable || b != nil else { return nil }
        moveReaderIndex(forwardBy: n)
        return .some(b)
    }

    /// BYTES: nil when short, malformed or null.
    @inlinable
    public mutating func readKafkaBytes() -> ByteBuffer? { readKafkaNullableBytes(allowNull: false) ?? nil }

    /// NULLABLE_BYTES: `.some(nil)` is the wire null.
    @inlinable
    public mutating func readKafkaNullableBytes() -> ByteBuffer?? { readKafkaNullableBytes(allowNull: true) }

    @inlinable
    mutating func readKafkaNullableBytes(allowNull: Bool) -> ByteBuffer?? {
        readBytes(with: { b in
            guard let (len, p) = b.getClassicLength(at: b.readerIndex, as: Int32.self) else { return nil }
            return b.getBytesBody(length: len, prefix: p, at: b.readerIndex)
        }, nullable: allowNull)
    }

    @inlinable
    @discardableResult
    public mutating func writeKafkaBytes(_ bytes: ByteBuffer) -> Int { writeKafkaNullableBytes(bytes) }

    @inlinable
    @discardableResult
    public mutating func writeKafkaNullableBytes(_ bytes: ByteBuffer?) -> Int {
        guard var bytes else { return writeInteger(Int32(-1), endianness: .big) }
        precondition(bytes.readableBytes <= Int(Int32.max), "BYTES longer than Int32.max")
        return writeInteger(Int32(bytes.readableBytes), endianness: .big) + writeBuffer(&bytes)
    }

    /// COMPACT_BYTES: nil when short, malformed or null.
    @inlinable
    public mutating func readCompactBytes() -> ByteBuffer? { readCompactNullableBytes(allowNull: false) ?? nil }

    /// COMPACT_NULLABLE_BYTES: `.some(nil)` is the wire null (length byte 0).
    @inlinable
    public mutating func readCompactNullableBytes() -> ByteBuffer?? { readCompactNullableBytes(allowNull: true) }

    @inlinable
    mutating func readCompactNullableBytes(allowNull: Bool) -> ByteBuffer?? {
        readBytes(with: { b in
            guard let (len, p) = b.getCompactLength(at: b.readerIndex) else { return nil }
            return b.getBytesBody(length: len, prefix: p, at: b.readerIndex)
        }, nullable: allowNull)
    }

    @inlinable
    @discardableResult
    public mutating func writeCompactBytes(_ bytes: ByteBuffer) -> Int { writeCompactNullableBytes(bytes) }

    @inlinable
    @discardableResult
    public mutating func writeCompactNullableBytes(_ bytes: ByteBuffer?) -> Int {
        guard var bytes else { return writeCompactLength(nil) }
        return writeCompactLength(bytes.readableBytes) + writeBuffer(&bytes)
    }
}
