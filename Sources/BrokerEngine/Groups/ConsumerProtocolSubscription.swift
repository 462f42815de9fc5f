import LogStore

/// The subscription a Kafka consumer puts in its JoinGroup protocol metadata, decoded by
/// hand (`ConsumerProtocolSubscription.json`, non-flexible, versions 0-3):
///
///     version        int16
///     topics         int32 count, then int16-length strings
///     user_data      nullable bytes (int32 length, -1 = null)
///     v1+ owned_partitions  int32 count of (topic string, int32 count of int32)
///     v2+ generation_id     int32
///     v3+ rack_id           nullable string (int16 length, -1 = null)
///
/// The coordinator needs only the topics (DeleteOffsets' GROUP_SUBSCRIBED_TO_TOPIC and
/// offset expiry, KIP-496). Fields past the topics are decoded when present, and a newer
/// version's extra bytes are ignored, as Kafka reads newer versions with an older schema.
public struct ConsumerProtocolSubscription: Hashable, Sendable {
    public var version: Int16
    public var topics: [String]
    public var userData: [UInt8]?
    public var ownedPartitions: [TopicPartition]
    public var generationId: Int32?
    public var rackId: String?

    /// Returns nil when the bytes are not a valid subscription.
    public init?(decoding bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        guard let version = reader.readInt16(), version >= 0,
              let topics = reader.readArray({ $0.readString() }) else { return nil }
        self.version = version
        self.topics = topics
        self.ownedPartitions = []
        guard let userData = reader.readNullableBytes() else {
            // Version 0 clients may end right after the topics; that is still valid.
            guard reader.isAtEnd else { return nil }
            self.userData = nil
            return
        }
        self.userData = userData
        if version >= 1, let owned = reader.readArray({ r -> [TopicPartition]? in
            guard let topic = r.readString(), let parts = r.readArray({ $0.readInt32() }) else { return nil }
            return parts.map { TopicPartition(topic, $0) }
        }) {
            ownedPartitions = owned.flatMap { $0 }
        }
        if version >= 2 { generationId = reader.readInt32() }
        if version >= 3, let rack = reader.readNullableString() { rackId = rack }
    }
}

/// A big-endian reader over bytes that answers nil when short (ByteBuffer's `read*` contract).
struct ByteReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func readInt16() -> Int16? {
        guard let raw = readInteger(byteCount: 2) else { return nil }
        return Int16(truncatingIfNeeded: raw)
    }

    mutating func readInt32() -> Int32? {
        guard let raw = readInteger(byteCount: 4) else { return nil }
        return Int32(truncatingIfNeeded: raw)
    }

    /// An int16-length string; nil when short, negative or not UTF-8.
    mutating func readString() -> String? {
        guard let length = readInt16(), length >= 0, let raw = readBytes(Int(length)) else { return nil }
        return String(validating: raw, as: UTF8.self)
    }

    /// An int16-length nullable string: `.some(nil)` for length -1, nil when malformed.
    mutating func readNullableString() -> String?? {
        guard let length = readInt16() else { return nil }
        if length < 0 { return .some(nil) }
        guard let raw = readBytes(Int(length)), let s = String(validating: raw, as: UTF8.self) else { return nil }
        return .some(s)
    }

    /// Int32-length nullable bytes: `.some(nil)` for length -1, nil when malformed.
    mutating func readNullableBytes() -> [UInt8]?? {
        guard let length = readInt32() else { return nil }
        if length < 0 { return .some(nil) }
        guard let raw = readBytes(Int(length)) else { return nil }
        return .some(raw)
    }

    /// An int32 count then that many elements; a negative count reads as empty.
    mutating func readArray<T>(_ element: (inout ByteReader) -> T?) -> [T]? {
        guard let count = readInt32() else { return nil }
        guard count > 0 else { return [] }
        // Each element takes at least one byte: refuse counts the input cannot hold.
        guard Int(count) <= bytes.count - index else { return nil }
        var out: [T] = []
        out.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let value = element(&self) else { return nil }
            out.append(value)
        }
        return out
    }

    private mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - index >= count else { return nil }
        defer { index += count }
        return Array(bytes[index..<index + count])
    }

    private mutating func readInteger(byteCount: Int) -> UInt64? {
        guard let raw = readBytes(byteCount) else { return nil }
        return raw.reduce(0) { ($0 << 8) | UInt64($1) }
    }
}
