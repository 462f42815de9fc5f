import KafkaClient

/// One record as a reader sees it: where it sits (partition, absolute offset), its
/// timestamp, and its bytes, decompressed. What `ClusterBackend.readRecords` returns and the
/// Messages view shows; plain arrays rather than `ByteBuffer`s so views and tests need no NIO.
public struct ConsumedRecord: Sendable, Equatable {
    /// A record header: KafkaClient's, the same key and optional bytes.
    public typealias Header = KafkaHeader

    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch (CreateTime, or the broker's LogAppendTime).
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [Header]

    public init(partition: Int32, offset: Int64, timestamp: Int64, key: [UInt8]?, value: [UInt8]?, headers: [Header] = []) {
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// What one read returned for one partition.
public struct PartitionRecords: Sendable, Equatable {
    /// In offset order; control records (transaction markers) are left out.
    public var records: [ConsumedRecord]
    /// Where the next read continues: past the last batch returned, which may be past the
    /// last record (a batch of control records, a compacted gap), or the offset asked for
    /// when nothing was returned.
    public var nextOffset: Int64
    /// The most a reader may see now (Kafka's high watermark).
    public var highWatermark: Int64
    public var logStartOffset: Int64
    /// Why the partition could not be read (no leader, offset out of range), if it could not.
    public var error: String?

    public init(records: [ConsumedRecord], nextOffset: Int64, highWatermark: Int64, logStartOffset: Int64,
                error: String? = nil) {
        self.records = records
        self.nextOffset = nextOffset
        self.highWatermark = highWatermark
        self.logStartOffset = logStartOffset
        self.error = error
    }
}

/// Which offset of a partition to look up (Kafka's ListOffsets).
public enum OffsetQuery: Sendable, Equatable {
    /// The log start offset.
    case earliest
    /// The high watermark: the offset the next record will get.
    case latest
    /// The first record whose timestamp is at or after this (ms since the epoch); the high
    /// watermark when there is none, which is where a consumer resetting to it would start.
    case timestamp(Int64)
}
