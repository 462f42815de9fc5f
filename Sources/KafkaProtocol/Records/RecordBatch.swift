import NIOCore

/// A record batch, magic 2 (Kafka's `DefaultRecordBatch`): the 61-byte header and its
/// records, decompressed.
///
/// After `decode`, `header` holds the fields as they were on the wire. `encode` derives
/// the fields that follow from the records (batchLength, crc, lastOffsetDelta,
/// recordsCount, and maxTimestamp for CreateTime) and keeps the rest (baseOffset,
/// baseTimestamp, producer fields, attributes apart from the codec).
public struct RecordBatch: Hashable, Sendable {
    public var header: RecordBatchHeader
    public var records: [Record]

    public init(header: RecordBatchHeader, records: [Record]) {
        self.header = header
        self.records = records
    }

    public var baseOffset: Int64 {
        get { header.baseOffset }
        set { header.baseOffset = newValue }
    }
    public var attributes: RecordBatchAttributes { header.attributes }
    public var compression: CompressionCodec { header.attributes.compression ?? .none }
    public var timestampType: TimestampType { header.attributes.timestampType }
    public var isTransactional: Bool { header.attributes.isTransactional }
    public var isControl: Bool { header.attributes.isControl }
    public var lastOffset: Int64 { header.lastOffset }

    /// The delete horizon set by the log cleaner (KIP-534): baseTimestamp when bit 6 is set.
    public var deleteHorizonMs: Int64? { header.attributes.hasDeleteHorizon ? header.baseTimestamp : nil }

    /// The record's absolute offset: baseOffset + offsetDelta.
    public func offset(of record: Record) -> Int64 { header.baseOffset + Int64(record.offsetDelta) }

    /// The record's timestamp. With LogAppendTime every record has the batch's
    /// maxTimestamp, the broker's append time (`DefaultRecordBatch.iterator`).
    public func timestamp(of record: Record) -> Int64 {
        timestampType == .logAppendTime ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta
    }
}

extension RecordBatch {
    /// One record to put in a new batch, with its absolute timestamp.
    public struct Entry: Hashable, Sendable {
        public var key: ByteBuffer?
        public var value: ByteBuffer?
        public var headers: [RecordHeader]
        public var timestamp: Int64

        public init(key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64) {
            self.key = key
            self.value = value
            self.headers = headers
            self.timestamp = timestamp
        }
    }

    /// Builds a batch the way a producer's `MemoryRecordsBuilder` does: offset deltas
    /// 0, 1, 2, …; baseTimestamp is the first record's timestamp (-1 when empty, Kafka's
    /// `NO_TIMESTAMP`) and maxTimestamp the largest, or `logAppendTime` for LogAppendTime.
    /// Sizes and CRC are computed by `encode`.
    public init(
        records entries: [Entry], baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = -1,
        producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1,
        isTransactional: Bool = false, isControl: Bool = false, compression: CompressionCodec = .none,
        timestampType: TimestampType = .createTime, logAppendTime: Int64? = nil
    ) {
        let baseTimestamp = entries.first?.timestamp ?? -1
        let maxCreateTime = entries.map(\.timestamp).max() ?? -1
        let records = entries.enumerated().map { i, e in
            Record(offsetDelta: Int32(i), timestampDelta: e.timestamp - baseTimestamp, key: e.key, value: e.value, headers: e.headers)
        }
        header = RecordBatchHeader(
            baseOffset: baseOffset, batchLength: 0, partitionLeaderEpoch: partitionLeaderEpoch,
            attributes: RecordBatchAttributes(
                compression: compression, timestampType: timestampType,
                isTransactional: isTransactional, isControl: isControl),
            lastOffsetDelta: Int32(max(records.count - 1, 0)),
            baseTimestamp: baseTimestamp,
            maxTimestamp: timestampType == .logAppendTime ? (logAppendTime ?? maxCreateTime) : maxCreateTime,
            producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
            recordsCount: Int32(records.count))
        self.records = records
    }
}
