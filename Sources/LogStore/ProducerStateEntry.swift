/// One appended batch of an idempotent producer, as remembered for duplicate detection
/// (Kafka's `BatchMetadata`). Kafka keeps the last sequence and derives the first one from
/// the offset delta, because a v2 batch's sequences advance with its offsets. Thread-safe
/// (a value type).
public struct BatchMetadata: Hashable, Sendable, CustomStringConvertible {
    public var lastSequence: Int32
    public var lastOffset: Int64
    /// `lastOffset - firstOffset` of the batch.
    public var offsetDelta: Int32
    /// The batch's max timestamp.
    public var timestamp: Int64

    public init(lastSequence: Int32, lastOffset: Int64, offsetDelta: Int32, timestamp: Int64) {
        self.lastSequence = lastSequence
        self.lastOffset = lastOffset
        self.offsetDelta = offsetDelta
        self.timestamp = timestamp
    }

    /// Kafka's `DefaultRecordBatch.decrementSequence(lastSeq, offsetDelta)`: wraps below 0
    /// back to `Int32.max`, as sequences wrap upwards.
    public var firstSequence: Int32 { Self.decrement(lastSequence, by: offsetDelta) }
    public var firstOffset: Int64 { lastOffset - Int64(offsetDelta) }

    static func decrement(_ sequence: Int32, by delta: Int32) -> Int32 {
        sequence < delta ? Int32.max - (delta - sequence) + 1 : sequence - delta
    }

    public var description: String {
        "BatchMetadata(firstSeq=\(firstSequence), lastSeq=\(lastSequence), firstOffset=\(firstOffset), lastOffset=\(lastOffset), timestamp=\(timestamp))"
    }
}

/// What a partition knows about one producer id (Kafka's `ProducerStateEntry`): its epoch,
/// the metadata of its last ≤ 5 batches (`numBatchesToRetain`, the most a producer may have
/// in flight with `max.in.flight.requests.per.connection=5`, so any retry of an in-flight
/// batch is recognised), the coordinator epoch of its last transaction marker and the first
/// offset of its open transaction (kept for the snapshot format; transactions come later).
/// Thread-safe (a value type).
public struct ProducerStateEntry: Hashable, Sendable {
    public static let numBatchesToRetain = 5
    /// `RecordBatch.NO_PRODUCER_EPOCH` / `NO_SEQUENCE`.
    public static let noProducerEpoch: Int16 = -1
    public static let noSequence: Int32 = -1

    public let producerId: Int64
    public internal(set) var producerEpoch: Int16
    /// Oldest first; at most `numBatchesToRetain`.
    public internal(set) var batchMetadata: [BatchMetadata]
    public internal(set) var coordinatorEpoch: Int32
    /// The max timestamp of the producer's last batch (or marker): producer ids expire
    /// `producer.id.expiration.ms` after it, as in Kafka.
    public internal(set) var lastTimestamp: Int64
    public internal(set) var currentTxnFirstOffset: Int64?

    public init(producerId: Int64, producerEpoch: Int16 = noProducerEpoch, batchMetadata: [BatchMetadata] = [],
                coordinatorEpoch: Int32 = -1, lastTimestamp: Int64 = -1, currentTxnFirstOffset: Int64? = nil) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.batchMetadata = Array(batchMetadata.suffix(Self.numBatchesToRetain))
        self.coordinatorEpoch = coordinatorEpoch
        self.lastTimestamp = lastTimestamp
        self.currentTxnFirstOffset = currentTxnFirstOffset
    }

    public var isEmpty: Bool { batchMetadata.isEmpty }
    public var firstSequence: Int32 { batchMetadata.first?.firstSequence ?? Self.noSequence }
    public var lastSequence: Int32 { batchMetadata.last?.lastSequence ?? Self.noSequence }
    /// -1 when no batch is remembered (Kafka's `lastDataOffset`).
    public var lastDataOffset: Int64 { batchMetadata.last?.lastOffset ?? -1 }
    public var lastOffsetDelta: Int32 { batchMetadata.last?.offsetDelta ?? 0 }

    /// A new epoch forgets the batches of the old one (Kafka's `maybeUpdateProducerEpoch`).
    mutating func updateEpoch(_ epoch: Int16) {
        guard epoch != producerEpoch else { return }
        batchMetadata.removeAll()
        producerEpoch = epoch
    }

    mutating func addBatch(epoch: Int16, lastSequence: Int32, lastOffset: Int64, offsetDelta: Int32, timestamp: Int64) {
        updateEpoch(epoch)
        if batchMetadata.count == Self.numBatchesToRetain { batchMetadata.removeFirst() }
        batchMetadata.append(BatchMetadata(lastSequence: lastSequence, lastOffset: lastOffset, offsetDelta: offsetDelta,
                                           timestamp: timestamp))
        lastTimestamp = timestamp
    }

    /// The remembered batch with exactly this epoch and sequence range: a retry of a batch that
    /// is already in the log (Kafka's `findDuplicateBatch`).
    public func duplicate(epoch: Int16, firstSequence: Int32, lastSequence: Int32) -> BatchMetadata? {
        guard epoch == producerEpoch else { return nil }
        return batchMetadata.first { $0.firstSequence == firstSequence && $0.lastSequence == lastSequence }
    }
}
