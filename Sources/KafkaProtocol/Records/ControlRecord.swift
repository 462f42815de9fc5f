import NIOCore

/// The type in a control record's key (Kafka's `ControlRecordType`). Types this code
/// does not know are kept as `.unknown` and, like Kafka, ignored by consumers.
public enum ControlRecordType: Hashable, Sendable {
    case abort, commit, leaderChange, snapshotHeader, snapshotFooter, kraftVersion, kraftVoters
    case unknown(Int16)

    public init(rawValue: Int16) {
        switch rawValue {
        case 0: self = .abort
        case 1: self = .commit
        case 2: self = .leaderChange
        case 3: self = .snapshotHeader
        case 4: self = .snapshotFooter
        case 5: self = .kraftVersion
        case 6: self = .kraftVoters
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: Int16 {
        switch self {
        case .abort: 0
        case .commit: 1
        case .leaderChange: 2
        case .snapshotHeader: 3
        case .snapshotFooter: 4
        case .kraftVersion: 5
        case .kraftVoters: 6
        case .unknown(let id): id
        }
    }
}

/// A control record's key: version int16 (0) then type int16.
public struct ControlRecordKey: Hashable, Sendable {
    public static let currentVersion: Int16 = 0
    /// `ControlRecordType.CURRENT_CONTROL_RECORD_KEY_SIZE`.
    public static let size = 4

    public var version: Int16
    public var type: ControlRecordType

    public init(version: Int16 = currentVersion, type: ControlRecordType) {
        self.version = version
        self.type = type
    }

    /// Parses a key as `ControlRecordType.parse` does: at least 4 bytes, version ≥ 0
    /// (a higher version is read as version 0, its extra bytes ignored).
    public static func decode(_ key: ByteBuffer?) throws(KafkaDecodingError) -> ControlRecordKey {
        guard let key, key.readableBytes >= size else {
            throw .malformed(field: "control record key", reason: "must have at least 4 bytes")
        }
        let version = key.getInteger(at: key.readerIndex, endianness: .big, as: Int16.self)!
        guard version >= 0 else { throw .malformed(field: "control record key", reason: "negative version \(version)") }
        let type = key.getInteger(at: key.readerIndex + 2, endianness: .big, as: Int16.self)!
        return ControlRecordKey(version: version, type: ControlRecordType(rawValue: type))
    }

    public func encoded() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: Self.size)
        buffer.writeInteger(version, endianness: .big)
        buffer.writeInteger(type.rawValue, endianness: .big)
        return buffer
    }
}

/// The value of a COMMIT or ABORT control record (Kafka's `EndTransactionMarker`):
/// version int16 (0) then coordinatorEpoch int32, 6 bytes.
public struct EndTransactionMarker: Hashable, Sendable {
    public static let currentVersion: Int16 = 0
    public static let valueSize = 6

    /// `.commit` or `.abort`.
    public var type: ControlRecordType
    public var coordinatorEpoch: Int32

    public init(type: ControlRecordType, coordinatorEpoch: Int32) {
        precondition(type == .commit || type == .abort, "an end transaction marker is COMMIT or ABORT")
        self.type = type
        self.coordinatorEpoch = coordinatorEpoch
    }

    public func encodedValue() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: Self.valueSize)
        buffer.writeInteger(Self.currentVersion, endianness: .big)
        buffer.writeInteger(coordinatorEpoch, endianness: .big)
        return buffer
    }

    /// Reads a marker from a control record (`EndTransactionMarker.deserialize`): the key
    /// must be COMMIT or ABORT and the value version ≥ 0 with at least 6 bytes.
    public static func decode(from record: Record) throws(KafkaDecodingError) -> EndTransactionMarker {
        let key = try ControlRecordKey.decode(record.key)
        guard key.type == .commit || key.type == .abort else {
            throw .malformed(field: "control record key", reason: "not a transaction marker: \(key.type)")
        }
        guard let value = record.value, value.readableBytes >= valueSize else {
            throw .malformed(field: "end transaction marker", reason: "value shorter than 6 bytes")
        }
        let version = value.getInteger(at: value.readerIndex, endianness: .big, as: Int16.self)!
        guard version >= 0 else {
            throw .malformed(field: "end transaction marker", reason: "negative version \(version)")
        }
        let epoch = value.getInteger(at: value.readerIndex + 2, endianness: .big, as: Int32.self)!
        return EndTransactionMarker(type: key.type, coordinatorEpoch: epoch)
    }
}

extension RecordBatch {
    /// A COMMIT or ABORT marker batch as `MemoryRecords.writeEndTransactionalMarker`
    /// writes it: no compression, CreateTime, the producer's id and epoch, baseSequence
    /// -1, the transactional and control bits, and a single record (key = control key,
    /// value = marker, no headers).
    public static func endTransactionMarker(
        _ marker: EndTransactionMarker, producerId: Int64, producerEpoch: Int16,
        baseOffset: Int64 = 0, timestamp: Int64, partitionLeaderEpoch: Int32 = -1
    ) -> RecordBatch {
        RecordBatch(
            records: [
                Entry(key: ControlRecordKey(type: marker.type).encoded(), value: marker.encodedValue(), timestamp: timestamp)
            ],
            baseOffset: baseOffset, partitionLeaderEpoch: partitionLeaderEpoch,
            producerId: producerId, producerEpoch: producerEpoch, baseSequence: -1,
            isTransactional: true, isControl: true, compression: .none, timestampType: .createTime)
    }

    /// The control type of a control batch's first record; nil for data batches or when
    /// the key cannot be read.
    public var controlRecordType: ControlRecordType? {
        guard isControl, let first = records.first else { return nil }
        return try? ControlRecordKey.decode(first.key).type
    }
}
