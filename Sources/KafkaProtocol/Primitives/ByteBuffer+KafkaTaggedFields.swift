import NIOCore

/// The tagged fields of a flexible-version structure (KIP-482): tag → raw field bytes.
///
/// On the wire: unsigned varint count, then per field unsigned varint tag, unsigned varint
/// size, and the bytes. Kafka writes them in ascending tag order and rejects a repeated
/// tag; unknown tags are kept raw so a message can be re-encoded without loss.
public struct TaggedFields: Hashable, Sendable {
    public var fields: [UInt32: ByteBuffer]

    public init(_ fields: [UInt32: ByteBuffer] = [:]) { self.fields = fields }

    public var isEmpty: Bool { fields.isEmpty }
    public subscript(tag: UInt32) -> ByteBuffer? {
        get { fields[tag] }
        set { fields[tag] = newValue }
    }
    /// Tags in the order they are written: ascending.
    public var sortedTags: [UInt32] { fields.keys.sorted() }
}

extension ByteBuffer {
    /// Reads a tagged-field section; nil when short, malformed or a tag repeats.
    public mutating func readTaggedFields() -> TaggedFields? {
        let start = readerIndex
        guard let count = readUnsignedVarint(), Int(count) <= readableBytes else {
            moveReaderIndex(to: start)
            return nil
        }
        var result = TaggedFields()
        for _ in 0..<count {
            guard let tag = readUnsignedVarint(), let size = readUnsignedVarint(),
                  Int(size) <= readableBytes, result.fields[tag] == nil,
                  let bytes = readSlice(length: Int(size))
            else {
                moveReaderIndex(to: start)
                return nil
            }
            result.fields[tag] = bytes
        }
        return result
    }

    /// Writes the fields sorted by tag, as Kafka requires. An empty set is the single byte 0.
    @discardableResult
    public mutating func writeTaggedFields(_ tagged: TaggedFields) -> Int {
        var n = writeUnsignedVarint(UInt32(tagged.fields.count))
        for tag in tagged.sortedTags {
            var bytes = tagged.fields[tag]!
            n += writeUnsignedVarint(tag)
            n += writeUnsignedVarint(UInt32(bytes.readableBytes))
            n += writeBuffer(&bytes)
        }
        return n
    }
}
