import NIOCore

// STRING / NULLABLE_STRING (int16 length, -1 = null) and COMPACT_STRING /
// COMPACT_NULLABLE_STRING (unsigned varint N+1, 0 = null), as in Kafka's `Type.java`
// and `protocol/types/CompactString`. Nullable readers return `String??`: the outer
// optional is NIO's "short or malformed", the inner one is the wire null. A reader that
// fails leaves the reader index where it was.
extension ByteBuffer {
    @inlinable
    func getStringBody(length: Int?, prefix: Int, at index: Int) -> (String?, Int)? {
        guard let length else { return (nil, prefix) }
        guard length <= bytesAvailable(from: index + prefix),
              let s = getString(at: index + prefix, length: length) else { return nil }
        return (s, prefix + length)
    }

    @inlinable
    mutating func readString(with get: (ByteBuffer) -> (String?, Int)?, nullable: Bool) -> String?? {
        guard let (s, n) = get(self), nullable || s != nil else { return nil }
        moveReaderIndex(forwardBy: n)
        return .some(s)
    }

    // MARK: int16-prefixed

    /// STRING: nil when short, malformed or null (null is not allowed here).
    @inlinable
    public mutating func readKafkaString() -> String? {
        readKafkaNullableString(allowNull: false) ?? nil
    }

    /// NULLABLE_STRING: `.some(nil)` is the wire null.
    @inlinable
    public mutating func readKafkaNullableString() -> String?? { readKafkaNullableString(allowNull: true) }

    @inlinable
    mutating func readKafkaNullableString(allowNull: Bool) -> String?? {
        readString(with: { b in
            guard let (len, p) = b.getClassicLength(at: b.readerIndex, as: Int16.self) else { return nil }
            return b.getStringBody(length: len, prefix: p, at: b.readerIndex)
        }, nullable: allowNull)
    }

    @inlinable
    @discardableResult
    public mutating func writeKafkaString(_ string: String) -> Int { writeKafkaNullableString(string) }

    @inlinable
    @discardableResult
    public mutating func writeKafkaNullableString(_ string: String?) -> Int {
        guard let string else { return writeInteger(Int16(-1), endianness: .big) }
        let count = string.utf8.count
        precondition(count <= Int(Int16.max), "STRING longer than 32767 bytes")
        return writeInteger(Int16(count), endianness: .big) + writeString(string)
    }

    // MARK: compact (unsigned varint N+1)

    /// COMPACT_STRING: nil when short, malformed or null.
    @inlinable
    public mutating func readCompactString() -> String? {
        readCompactNullableString(allowNull: false) ?? nil
    }

    /// COMPACT_NULLABLE_STRING: `.some(nil)` is the wire null (length byte 0).
    @inlinable
    public mutating func readCompactNullableString() -> String?? { readCompactNullableString(allowNull: true) }

    @inlinable
    mutating func readCompactNullableString(allowNull: Bool) -> String?? {
        readString(with: { b in
            guard let (len, p) = b.getCompactLength(at: b.readerIndex) else { return nil }
            return b.getStringBody(length: len, prefix: p, at: b.readerIndex)
        }, nullable: allowNull)
    }

    @inlinable
    @discardableResult
    public mutating func writeCompactString(_ string: String) -> Int { writeCompactNullableString(string) }

    @inlinable
    @discardableResult
    public mutating func writeCompactNullableString(_ string: String?) -> Int {
        guard let string else { return writeCompactLength(nil) }
        return writeCompactLength(string.utf8.count) + writeString(string)
    }
}
