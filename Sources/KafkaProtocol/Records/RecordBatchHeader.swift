import NIOCore

/// The fixed 61-byte header of a record batch, magic 2 (Kafka's `DefaultRecordBatch`).
///
/// ```
/// offset field                 type   notes
///  0     baseOffset            int64
///  8     batchLength           int32  bytes after this field (total size - 12)
/// 12     partitionLeaderEpoch  int32  -1 = none; not covered by the CRC
/// 16     magic                 int8   2
/// 17     crc                   uint32 CRC-32C of attributes..end
/// 21     attributes            int16  bits 0-2 codec, 3 timestamp type, 4 transactional,
///                                     5 control, 6 delete horizon
/// 23     lastOffsetDelta       int32
/// 27     baseTimestamp         int64
/// 35     maxTimestamp          int64
/// 43     producerId            int64
/// 51     producerEpoch         int16
/// 53     baseSequence          int32
/// 57     recordsCount          int32
/// 61     records...
/// ```
/// Reading a header does not check the CRC; `RecordBatchHeader.crcIsValid(in:at:)` does.
public struct RecordBatchHeader: Hashable, Sendable {
    public static let size = 61
    /// baseOffset + batchLength: the part of a batch not counted in batchLength (`LOG_OVERHEAD`).
    public static let logOverhead = 12
    public static let currentMagic: Int8 = 2

    public static let baseOffsetOffset = 0
    public static let batchLengthOffset = 8
    public static let partitionLeaderEpochOffset = 12
    public static let magicOffset = 16
    public static let crcOffset = 17
    public static let attributesOffset = 21
    public static let lastOffsetDeltaOffset = 23
    public static let baseTimestampOffset = 27
    public static let maxTimestampOffset = 35
    public static let producerIdOffset = 43
    public static let recordsCountOffset = 57

    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: RecordBatchAttributes
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordsCount: Int32

    public init(
        baseOffset: Int64, batchLength: Int32, partitionLeaderEpoch: Int32 = -1, magic: Int8 = 2,
        crc: UInt32 = 0, attributes: RecordBatchAttributes = RecordBatchAttributes(), lastOffsetDelta: Int32,
        baseTimestamp: Int64, maxTimestamp: Int64, producerId: Int64 = -1, producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1, recordsCount: Int32
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordsCount = recordsCount
    }

    /// Total bytes of the batch on disk or on the wire, header included.
    public var totalSize: Int { Int(batchLength) + Self.logOverhead }
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    /// Offset of the batch that would follow this one.
    public var nextOffset: Int64 { lastOffset + 1 }
    /// Sequence of the last record; wraps at Int32.max like Kafka's `incrementSequence`.
    public var lastSequence: Int32 {
        guard baseSequence >= 0 else { return -1 }
        let sum = Int64(baseSequence) + Int64(lastOffsetDelta)
        return sum > Int64(Int32.max) ? Int32(sum - Int64(Int32.max) - 1) : Int32(sum)
    }
    public var hasProducerId: Bool { producerId >= 0 }

    /// Reads the header at absolute index `index` without moving the reader index.
    /// Returns nil when fewer than 61 bytes are there. Magic is not checked here.
    public static func peek(_ buffer: ByteBuffer, at index: Int) -> RecordBatchHeader? {
        guard index >= 0, index + size <= buffer.writerIndex else { return nil }
        func get<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            buffer.getInteger(at: index + offset, endianness: .big, as: T.self)!
        }
        return RecordBatchHeader(
            baseOffset: get(0, Int64.self),
            batchLength: get(8, Int32.self),
            partitionLeaderEpoch: get(12, Int32.self),
            magic: get(16, Int8.self),
            crc: get(17, UInt32.self),
            attributes: RecordBatchAttributes(rawValue: get(21, Int16.self)),
            lastOffsetDelta: get(23, Int32.self),
            baseTimestamp: get(27, Int64.self),
            maxTimestamp: get(35, Int64.self),
            producerId: get(43, Int64.self),
            producerEpoch: get(51, Int16.self),
            baseSequence: get(53, Int32.self),
            recordsCount: get(57, Int32.self)
        )
    }

    /// Writes the 61 header bytes as they are (crc included, not recomputed).
    @discardableResult
    public func write(to buffer: inout ByteBuffer) -> Int {
        var n = 0
        n += buffer.writeInteger(baseOffset, endianness: .big)
        n += buffer.writeInteger(batchLength, endianness: .big)
        n += buffer.writeInteger(partitionLeaderEpoch, endianness: .big)
        n += buffer.writeInteger(magic, endianness: .big)
        n += buffer.writeInteger(crc, endianness: .big)
        n += buffer.writeInteger(attributes.rawValue, endianness: .big)
        n += buffer.writeInteger(lastOffsetDelta, endianness: .big)
        n += buffer.writeInteger(baseTimestamp, endianness: .big)
        n += buffer.writeInteger(maxTimestamp, endianness: .big)
        n += buffer.writeInteger(producerId, endianness: .big)
        n += buffer.writeInteger(producerEpoch, endianness: .big)
        n += buffer.writeInteger(baseSequence, endianness: .big)
        n += buffer.writeInteger(recordsCount, endianness: .big)
        return n
    }

    /// CRC-32C of bytes attributes..end of the batch starting at absolute `index`,
    /// using this header's `batchLength`. Nil when the batch is not wholly in `buffer`.
    public static func computeCRC(in buffer: ByteBuffer, at index: Int) -> UInt32? {
        guard let header = peek(buffer, at: index), header.batchLength >= size - logOverhead else { return nil }
        let start = index + attributesOffset
        let end = index + header.totalSize
        guard end <= buffer.writerIndex else { return nil }
        return CRC32C.checksum(buffer, at: start, length: end - start)
    }

    /// True when the stored CRC matches the bytes of the whole batch at `index`.
    public static func crcIsValid(in buffer: ByteBuffer, at index: Int) -> Bool {
        guard let header = peek(buffer, at: index), let crc = computeCRC(in: buffer, at: index) else { return false }
        return crc == header.crc
    }

    /// Rewrites baseOffset and partitionLeaderEpoch in place: neither is covered by the CRC,
    /// which is why a broker can assign offsets without recomputing it (KIP-98).
    public static func stamp(_ buffer: inout ByteBuffer, at index: Int, baseOffset: Int64, partitionLeaderEpoch: Int32) {
        buffer.setInteger(baseOffset, at: index + baseOffsetOffset, endianness: .big)
        buffer.setInteger(partitionLeaderEpoch, at: index + partitionLeaderEpochOffset, endianness: .big)
    }
}

/// Compression codecs of attributes bits 0-2.
public enum CompressionCodec: Int16, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4

    /// Kafka's name, as `compression.type` and `kafka-dump-log.sh` spell it.
    public var name: String {
        switch self {
        case .none: "none"
        case .gzip: "gzip"
        case .snappy: "snappy"
        case .lz4: "lz4"
        case .zstd: "zstd"
        }
    }
    public var description: String { name }
    public init?(name: String) {
        guard let codec = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = codec
    }
}

public enum TimestampType: Sendable, Equatable {
    case createTime, logAppendTime
    public var name: String { self == .createTime ? "CreateTime" : "LogAppendTime" }
}

/// The attributes int16 of a record batch. Only the low byte carries meaning.
public struct RecordBatchAttributes: Hashable, Sendable {
    public var rawValue: Int16
    public init(rawValue: Int16 = 0) { self.rawValue = rawValue }
    public init(
        compression: CompressionCodec = .none, timestampType: TimestampType = .createTime,
        isTransactional: Bool = false, isControl: Bool = false, hasDeleteHorizon: Bool = false
    ) {
        var v = compression.rawValue
        if timestampType == .logAppendTime { v |= 0x08 }
        if isTransactional { v |= 0x10 }
        if isControl { v |= 0x20 }
        if hasDeleteHorizon { v |= 0x40 }
        rawValue = v
    }

    /// Nil for codec ids 5-7, which no Kafka writes: such a batch is rejected as corrupt.
    public var compression: CompressionCodec? { CompressionCodec(rawValue: rawValue & 0x07) }
    public var timestampType: TimestampType {
        get { rawValue & 0x08 != 0 ? .logAppendTime : .createTime }
        set { rawValue = newValue == .logAppendTime ? rawValue | 0x08 : rawValue & ~0x08 }
    }
    public var isTransactional: Bool { rawValue & 0x10 != 0 }
    public var isControl: Bool { rawValue & 0x20 != 0 }
    public var hasDeleteHorizon: Bool { rawValue & 0x40 != 0 }
}
