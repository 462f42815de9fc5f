import Glibc

/// Every error LogStore throws (a Sendable value). Callers (the engine, the Kafka handlers) map these to Kafka
/// error codes; LogStore itself never speaks in error codes.
public enum LogStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed; `errno` is the raw value (ENOSPC = 28, EIO = 5, ...).
    case io(operation: String, path: String, errno: Int32)
    /// The requested offset is outside [logStartOffset, logEndOffset] (`OFFSET_OUT_OF_RANGE`).
    case offsetOutOfRange(offset: Int64, logStartOffset: Int64, logEndOffset: Int64)
    /// A batch is larger than `max.message.bytes` (`MESSAGE_TOO_LARGE`).
    case recordTooLarge(batchSize: Int, maxMessageBytes: Int)
    /// A whole append is larger than `segment.bytes` (`RECORD_LIST_TOO_LARGE`).
    case recordBatchTooLarge(appendSize: Int, segmentBytes: Int)
    /// The bytes of an append are not valid v2 batches: bad CRC, magic, length (`CORRUPT_MESSAGE`).
    case corruptRecord(String)
    /// A well-formed batch that breaks a rule, e.g. record count vs offset range (`INVALID_RECORD`).
    case invalidRecord(String)
    /// A replica append starts below the log end offset or its offsets go backwards.
    case unexpectedAppendOffset(firstOffset: Int64, logEndOffset: Int64)
    /// An index file failed its sanity check; the loader rebuilds it, never trusts it.
    case corruptIndex(path: String, reason: String)
    /// An offset does not fit a segment's 32-bit relative offset (Kafka's
    /// `LogSegmentOffsetOverflowException`); the log rolls before this can happen on append.
    case offsetOverflow(offset: Int64, segmentBaseOffset: Int64)
    /// A checkpoint or metadata file could not be parsed.
    case malformedCheckpoint(path: String, reason: String)
    /// A config key has a value that is not allowed.
    case invalidConfig(key: String, value: String, reason: String)
    /// The log or directory was closed (or deleted) and cannot be used any more.
    case closed(String)
    /// A directory or name that is not `<topic>-<partition>`.
    case invalidTopicPartition(String)
    /// An idempotent producer's batch carries an epoch older than the one the partition knows:
    /// a zombie producer was fenced (Kafka's `InvalidProducerEpochException`, answered as
    /// `INVALID_PRODUCER_EPOCH` to Produce since 2.7, `PRODUCER_FENCED` on transactional paths).
    case invalidProducerEpoch(producerId: Int64, epoch: Int16, currentEpoch: Int16, offset: Int64)
    /// A batch's first sequence does not follow the producer's last one, or a new epoch does not
    /// start at sequence 0 (`OUT_OF_ORDER_SEQUENCE_NUMBER`). `lastSequence` is -1 for a new epoch.
    case outOfOrderSequence(producerId: Int64, epoch: Int16, firstSequence: Int32, lastSequence: Int32, offset: Int64)
    /// A non-transactional batch from a producer with an open transaction (`INVALID_TXN_STATE`).
    case invalidTxnState(producerId: Int64, offset: Int64)
    /// A `.snapshot` file with a bad CRC, version or length; the loader deletes it and falls back
    /// to an older one (Kafka's `CorruptSnapshotException`). No Kafka error code: never reaches a client.
    case corruptProducerSnapshot(path: String, reason: String)

    public var description: String {
        switch self {
        case let .io(operation, path, code):
            return "\(operation) failed on \(path): \(String(cString: strerror(code))) (errno \(code))"
        case let .offsetOutOfRange(offset, start, end):
            return "offset \(offset) is out of range [\(start), \(end)]"
        case let .recordTooLarge(size, max):
            return "record batch of \(size) bytes exceeds max.message.bytes \(max)"
        case let .recordBatchTooLarge(size, max):
            return "append of \(size) bytes exceeds segment.bytes \(max)"
        case let .corruptRecord(why): return "corrupt record batch: \(why)"
        case let .invalidRecord(why): return "invalid record batch: \(why)"
        case let .unexpectedAppendOffset(first, end):
            return "replica append at offset \(first) does not follow log end offset \(end)"
        case let .corruptIndex(path, why): return "corrupt index \(path): \(why)"
        case let .offsetOverflow(offset, base):
            return "offset \(offset) does not fit a segment based at \(base)"
        case let .malformedCheckpoint(path, why): return "malformed checkpoint file \(path): \(why)"
        case let .invalidConfig(key, value, why): return "invalid value '\(value)' for config \(key): \(why)"
        case let .closed(what): return "\(what) is closed"
        case let .invalidTopicPartition(name): return "'\(name)' is not a <topic>-<partition> name"
        case let .invalidProducerEpoch(id, epoch, current, offset):
            return "epoch of producer \(id) at offset \(offset) is \(epoch), older than the last seen epoch \(current)"
        case let .outOfOrderSequence(id, epoch, first, last, offset):
            return last < 0
                ? "sequence \(first) of producer \(id) at offset \(offset) does not start its new epoch \(epoch) at 0"
                : "out of order sequence \(first) of producer \(id) (epoch \(epoch)) at offset \(offset): last appended sequence is \(last)"
        case let .invalidTxnState(id, offset):
            return "producer \(id) sent a non-transactional batch at offset \(offset) while its transaction is open"
        case let .corruptProducerSnapshot(path, why): return "corrupt producer snapshot \(path): \(why)"
        }
    }
}
