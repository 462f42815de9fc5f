import NIOCore

// Value types returned by `PartitionLog`; all Sendable and thread-safe.

/// Who is appending: a leader assigns offsets and validates like Kafka's `LogValidator`; a
/// replica (follower) keeps the leader's offsets and epochs.
public enum AppendOrigin: Sendable, Equatable {
    case leader
    case replica
}

/// What an append did (Kafka's `LogAppendInfo`). `offsetOfMaxTimestamp` is at batch
/// granularity for CreateTime: the last offset of the first batch holding the max timestamp
/// (Kafka's "shallow" offset of max timestamp, which its `LogSegment.append` and time index
/// take, and which its `LogValidator` reports for in-place compressed batches). Finding the
/// exact record would mean decompressing every compressed append, which this append path
/// otherwise never does; ListOffsets -3 (`PartitionLog.offsetForTimestamp`) resolves the exact
/// record when asked, as Kafka does since KIP-734 (`RecordBatch.offsetOfMaxTimestamp`).
/// With LogAppendTime every record carries `now`, so the first offset is exact.
public struct LogAppendInfo: Sendable, Equatable {
    public var firstOffset: Int64
    public var lastOffset: Int64
    public var maxTimestamp: Int64
    public var offsetOfMaxTimestamp: Int64
    /// The broker time stamped into the batches when `message.timestamp.type=LogAppendTime`, else -1.
    public var logAppendTime: Int64
    /// Bytes of the valid batches written.
    public var validBytes: Int
    /// Records counted from the batch headers.
    public var recordCount: Int
    public var batchCount: Int
    public var logStartOffset: Int64
    /// True when the append was a producer's retry of a batch already in the log: nothing was
    /// written and the offsets (and timestamp) are those of the original batch.
    public var isDuplicate: Bool = false
}

/// Whole batches read from the log, and the log's range at the time of the read.
public struct LogReadResult: Sendable {
    /// Concatenated record batches v2, as on disk; empty when there is nothing to return.
    public var records: ByteBuffer
    public var logStartOffset: Int64
    public var logEndOffset: Int64
}

/// An answer to ListOffsets (Kafka's `TimestampAndOffset`); `timestamp` is -1 for the
/// earliest/latest special queries.
public struct TimestampAndOffset: Sendable, Equatable {
    public var timestamp: Int64
    public var offset: Int64
    public var leaderEpoch: Int32?

    public init(timestamp: Int64, offset: Int64, leaderEpoch: Int32?) {
        self.timestamp = timestamp
        self.offset = offset
        self.leaderEpoch = leaderEpoch
    }

    /// ListOffsets special timestamps.
    public static let latest: Int64 = -1
    public static let earliest: Int64 = -2
    public static let maxTimestamp: Int64 = -3
    public static let earliestLocal: Int64 = -4
}

/// What a console shows about one segment.
public struct SegmentInfo: Sendable, Equatable {
    public var baseOffset: Int64
    /// The base offset of the next segment, or the log end offset for the active one.
    public var endOffset: Int64
    public var fileName: String
    public var sizeInBytes: Int
    /// Known when the segment was written or scanned by this process; nil otherwise.
    public var batchCount: Int?
    public var recordCount: Int?
    /// Max timestamp of the first batch, -1 when empty.
    public var firstTimestamp: Int64
    /// Largest timestamp in the segment, -1 when none.
    public var maxTimestamp: Int64
    public var offsetIndexEntries: Int
    public var timeIndexEntries: Int
    public var isActive: Bool
}
