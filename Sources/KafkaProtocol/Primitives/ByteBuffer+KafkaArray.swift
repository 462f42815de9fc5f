import NIOCore

// ARRAY / NULLABLE ARRAY (int32 count, -1 = null) and COMPACT_ARRAY (unsigned varint
// count+1, 0 = null). Elements are read by a closure that returns nil (or throws) when
// an element is bad; then the whole array read fails and the reader index is restored.
// A count larger than the bytes left is rejected before anything is allocated, as
// Kafka's generated readers do ("Tried to allocate a collection of size ...").
extension ByteBuffer {
    @inlinable
    mutating func readArray<T, E: Error>(
        count: (ByteBuffer) -> (length: Int?, prefix: Int)?, nullable: Bool,
        _ element: (inout ByteBuffer) throws(E) -> T?
    ) throws(E) -> [T]?? {
        guard let (length, prefix) = count(self) else { return nil }
        guard let length else {
            guard nullable else { return nil }
            moveReaderIndex(forwardBy: prefix)
            return .some(nil)
        }
        guard length <= bytesAvailable(from: readerIndex + prefix) else { return nil }
        let start = readerIndex
        moveReaderIndex(forwardBy: prefix)
        var result: [T] = []
        result.reserveCapacity(length)
        do {
            for _ in 0..<length {
                guard let value = try element(&self) else {
                    moveReaderIndex(to: start)
                    return nil
                }
                result.append(value)
            }
        } catch {
            moveReaderIndex(to: start)
            throw error
        }
        return .some(result)
    }

    /// ARRAY: nil when short, malformed, null, or when an element read returns nil.
    @inlinable
    public mutating func readKafkaArray<T, E: Error>(
        _ element: (inout ByteBuffer) throws(E) -> T?
    ) throws(E) -> [T]? {
        try readArray(count: { $0.getClassicLength(at: $0.readerIndex, as: Int32.self) }, nullable: false, element) ?? nil
    }

    /// Nullable ARRAY: `.some(nil)` is the wire null (count -1).
    @inlinable
    public mutating func readKafkaNullableArray<T, E: Error>(
        _ element: (inout ByteBuffer) throws(E) -> T?
    ) throws(E) -> [T]?? {
        try readArray(count: { $0.getClassicLength(at: $0.readerIndex, as: Int32.self) }, nullable: true, element)
    }

    /// COMPACT_ARRAY: nil when short, malformed, null, or when an element read returns nil.
    @inlinable
    public mutating func readCompactArray<T, E: Error>(
        _ element: (inout ByteBuffer) throws(E) -> T?
    ) throws(E) -> [T]? {
        try readArray(count: { $0.getCompactLength(at: $0.readerIndex) }, nullable: false, element) ?? nil
    }

    /// Nullable COMPACT_ARRAY: `.some(nil)` is the wire null (count byte 0).
    @inlinable
    public mutating func readCompactNullableArray<T, E: Error>(
        _ element: (inout ByteBuffer) throws(E) -> T?
    ) throws(E) -> [T]?? {
        try readArray(count: { $0.getCompactLength(at: $0.readerIndex) }, nullable: true, element)
    }

    @inlinable
    @discardableResult
    public mutating func writeKafkaArray<C: Collection, E: Error>(
        _ elements: C, _ element: (inout ByteBuffer, C.Element) throws(E) -> Int
    ) throws(E) -> Int {
        try writeKafkaNullableArray(Optional(elements), element)
    }

    @inlinable
    @discardableResult
    public mutating func writeKafkaNullableArray<C: Collection, E: Error>(
        _ elements: C?, _ element: (inout ByteBuffer, C.Element) throws(E) -> Int
    ) throws(E) -> Int {
        guard let elements else { return writeInteger(Int32(-1), endianness: .big) }
        var n = writeInteger(Int32(elements.count), endianness: .big)
        for e in elements { n += try element(&self, e) }
        return n
    }

    @inlinable
    @discardableResult
    public mutating func writeCompactArray<C: Collection, E: Error>(
        _ elements: C, _ element: (inout ByteBuffer, C.Element) throws(E) -> Int
    ) throws(E) -> Int {
        try writeCompactNullableArray(Optional(elements), element)
    }

    @inlinable
    @discardableResult
    public mutating func writeCompactNullableArray<C: Collection, E: Error>(
        _ elements: C?, _ element: (inout ByteBuffer, C.Element) throws(E) -> Int
    ) throws(E) -> Int {
        guard let elements else { return writeCompactLength(nil) }
        var n = writeCompactLength(elements.count)
        for e in elements { n += try element(&self, e) }
        return n
    }
}
