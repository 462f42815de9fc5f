import NIOCore

/// A record header: a non-null UTF-8 key and a nullable value (KIP-82).
public struct RecordHeader: Hashable, Sendable {
    public var key: String
    public var value: ByteBuffer?

    public init(key: String, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }
}

/// One record inside a v2 batch (Kafka's `DefaultRecord`):
///
///     length          varint  bytes that follow
///     attributes      int8    unused, 0
///     timestampDelta  varlong relative to the batch's baseTimestamp
///     offsetDelta     varint  relative to the batch's baseOffset
///     keyLength       varint  -1 = null
///     key             bytes
///     valueLength     varint  -1 = null
///     value           bytes
///     headersCount    varint
///     headers         keyLength varint + UTF-8 key (never null), valueLength varint (-1 = null) + value
///
/// Key and value keep null distinct from empty. Absolute offset and timestamp depend
/// on the batch: see `RecordBatch.offset(of:)` and `RecordBatch.timestamp(of:)`.
public struct Record: Hashable, Sendable {
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]

    public init(
        offsetDelta: Int32, timestampDelta: Int64, key: ByteBuffer?, value: ByteBuffer?,
        headers: [RecordHeader] = [], attributes: Int8 = 0
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }
}

extension Record {
    /// Bytes after the length varint.
    public var bodySize: Int {
        var n = 1 + ByteBuffer.varlongSize(timestampDelta) + ByteBuffer.varintSize(offsetDelta)
        n += Self.sizeOfVarintBytes(key) + Self.sizeOfVarintBytes(value)
        n += ByteBuffer.varintSize(Int32(headers.count))
        for header in headers {
            let keyCount = header.key.utf8.count
            n += ByteBuffer.varintSize(Int32(keyCount)) + keyCount + Self.sizeOfVarintBytes(header.value)
        }
        return n
    }

    /// Bytes this record takes in a batch, length varint included (`sizeInBytes`).
    public var sizeInBytes: Int {
        let body = bodySize
        return ByteBuffer.varintSize(Int32(body)) + body
    }

    static func sizeOfVarintBytes(_ bytes: ByteBuffer?) -> Int {
        guard let bytes else { return 1 }
        return ByteBuffer.varintSize(Int32(bytes.readableBytes)) + bytes.readableBytes
    }

    /// Appends the record, length varint first; returns the bytes written.
    @discardableResult
    public func encode(to buffer: inout ByteBuffer) -> Int {
        var n = buffer.writeVarint(Int32(bodySize))
        n += buffer.writeInteger(attributes)
        n += buffer.writeVarlong(timestampDelta)
        n += buffer.writeVarint(offsetDelta)
        n += Self.writeVarintBytes(key, to: &buffer)
        n += Self.writeVarintBytes(value, to: &buffer)
        n += buffer.writeVarint(Int32(headers.count))
        for header in headers {
            n += buffer.writeVarint(Int32(header.key.utf8.count))
            n += buffer.writeString(header.key)
            n += Self.writeVarintBytes(header.value, to: &buffer)
        }
        return n
    }

    static func writeVarintBytes(_ bytes: ByteBuffer?, to buffer: inout ByteBuffer) -> Int {
        guard var bytes else { return buffer.writeVarint(-1) }
        return buffer.writeVarint(Int32(bytes.readableBytes)) + buffer.writeBuffer(&bytes)
    }

    /// Reads one record. Key, value and header values are slices of `buffer`.
    /// On error the reader index is left where it was.
    public static func decode(from buffer: inout ByteBuffer) throws(KafkaDecodingError) -> Record {
        let start = buffer.readerIndex
        do {
            return try decodeMovingIndex(from: &buffer)
        } catch {
            buffer.moveReaderIndex(to: start)
            throw error
        }
    }

    private static func decodeMovingIndex(from buffer: inout ByteBuffer) throws(KafkaDecodingError) -> Record {
        guard let length = buffer.readVarint() else { throw .truncated(field: "record length") }
        guard length >= 0 else { throw .malformed(field: "record length", reason: "negative (\(length))") }
        guard var body = buffer.readSlice(length: Int(length)) else { throw .truncated(field: "record") }
        guard let attributes = body.readInteger(as: Int8.self) else { throw .truncated(field: "record attributes") }
        guard let timestampDelta = body.readVarlong() else { throw .truncated(field: "timestampDelta") }
        guard let offsetDelta = body.readVarint() else { throw .truncated(field: "offsetDelta") }
        let key = try readVarintBytes(from: &body, field: "key")
        let value = try readVarintBytes(from: &body, field: "value")
        guard let headerCount = body.readVarint() else { throw .truncated(field: "headersCount") }
        // Each header takes at least 2 bytes, so a larger count cannot be real.
        guard headerCount >= 0, Int(headerCount) <= body.readableBytes / 2 else {
            throw .malformed(field: "headersCount", reason: "invalid number of record headers: \(headerCount)")
        }
        var headers: [RecordHeader] = []
        headers.reserveCapacity(Int(headerCount))
        for _ in 0..<headerCount {
            guard let keyLength = body.readVarint() else { throw .truncated(field: "header key length") }
            guard keyLength >= 0 else { throw .malformed(field: "header key", reason: "null header key") }
            guard let headerKey = body.readString(length: Int(keyLength)) else { throw .truncated(field: "header key") }
            let headerValue = try readVarintBytes(from: &body, field: "header value")
            headers.append(RecordHeader(key: headerKey, value: headerValue))
        }
        // DefaultRecord.readFrom: "Invalid record size: expected to read N bytes ..."
        guard body.readableBytes == 0 else {
            throw .malformed(field: "record length", reason: "\(body.readableBytes) bytes left after the record's fields")
        }
        return Record(
            offsetDelta: offsetDelta, timestampDelta: timestampDelta, key: key, value: value,
            headers: headers, attributes: attributes)
    }

    private static func readVarintBytes(from body: inout ByteBuffer, field: String) throws(KafkaDecodingError) -> ByteBuffer? {
        guard let length = body.readVarint() else { throw .truncated(field: "\(field) length") }
        if length == -1 { return nil }
        guard length >= 0 else { throw .malformed(field: field, reason: "negative length \(length)") }
        guard let bytes = body.readSlice(length: Int(length)) else { throw .truncated(field: field) }
        return bytes
    }
}
