import KafkaProtocol
import Logging

/// Broker-wide producer state settings (Kafka's `ProducerStateManagerConfig`).
/// Thread-safe (a value type).
public struct ProducerStateManagerConfig: Equatable, Sendable {
    /// `producer.id.expiration.ms`: a producer id whose last batch is this old (and that has
    /// no open transaction) is forgotten. Default one day, as Kafka.
    public var producerIdExpirationMs: Int64

    public init(producerIdExpirationMs: Int64 = 86_400_000) {
        self.producerIdExpirationMs = producerIdExpirationMs
    }
}

/// The outcome of checking an append's producer batches (Kafka's
/// `UnifiedLog.analyzeAndValidateProducerState`).
enum ProducerAppendAnalysis {
    /// A client retried a batch that is already in the log: answer with its offsets and
    /// write nothing.
    case duplicate(BatchMetadata)
    /// The entries to install once the batches are written, by producer id.
    case updates([Int64: ProducerStateEntry])
}

/// The idempotent producers of one partition and their snapshots on disk (Kafka's
/// `ProducerStateManager` with the validation of `ProducerAppendInfo`).
///
/// `mapEndOffset` is the offset the in-memory map is complete up to (Kafka's `lastMapOffset`);
/// a snapshot `<20-digit offset>.snapshot` holds the map as it was when the log ended at that
/// offset (see `ProducerSnapshotFile`). Not thread-safe: owned by `PartitionLog`, used under
/// its lock.
final class ProducerStateManager {
    let directory: String
    let config: ProducerStateManagerConfig
    let logger: Logger
    private(set) var producers: [Int64: ProducerStateEntry] = [:]
    /// The log end offset the map reflects (Kafka's `lastMapOffset`).
    private(set) var mapEndOffset: Int64 = 0
    /// The offset of the last snapshot taken or loaded (Kafka's `lastSnapOffset`).
    private var lastSnapshotOffset: Int64 = 0
    /// Offsets of the `.snapshot` files in the directory, ascending.
    private(set) var snapshotOffsets: [Int64] = []

    /// Lists the snapshot files of `directory`; leftovers of an interrupted write go.
    init(directory: String, config: ProducerStateManagerConfig, logger: Logger) throws {
        self.directory = directory
        self.config = config
        self.logger = logger
        snapshotOffsets = try listSnapshots()
    }

    private func listSnapshots() throws -> [Int64] {
        var offsets: [Int64] = []
        for name in try FileSystem.list(directory) {
            if name.hasSuffix(LogFileName.Kind.producerSnapshot.rawValue + ".tmp") {
                logger.info("Deleting unfinished producer snapshot \(directory)/\(name)")
                try FileSystem.remove(directory + "/" + name)
                continue
            }
            guard let parsed = LogFileName(parsing: name), parsed.kind == .producerSnapshot else { continue }
            if parsed.temporary != nil {
                try FileSystem.remove(directory + "/" + name)
                continue
            }
            offsets.append(parsed.baseOffset)
        }
        return offsets.sorted()
    }

    func snapshotPath(_ offset: Int64) -> String {
        directory + "/" + LogFileName(baseOffset: offset, kind: .producerSnapshot).description
    }

    var latestSnapshotOffset: Int64? { snapshotOffsets.last }
    var isEmpty: Bool { producers.isEmpty }

    // MARK: Validation (ProducerAppendInfo)

    /// Checks every batch with a producer id, in order, against the state and the batches
    /// before it in the same append. Leader (client) appends get duplicate detection, epoch
    /// fencing and sequence checks; replica appends and log replay only move the state
    /// forward (an older epoch is logged, not refused, as Kafka's `REPLICATION` origin).
    /// The batches must carry their final offsets.
    func analyze(_ headers: some Sequence<RecordBatchHeader>, origin: AppendOrigin) throws -> ProducerAppendAnalysis {
        var updates: [Int64: ProducerStateEntry] = [:]
        for header in headers where header.hasProducerId {
            // Up to 5 batches may be in flight, so a retry can match any cached batch.
            if origin == .leader, !header.attributes.isControl,
               let duplicate = producers[header.producerId]?.duplicate(
                   epoch: header.producerEpoch, firstSequence: header.baseSequence, lastSequence: header.lastSequence) {
                return .duplicate(duplicate)
            }
            let original = producers[header.producerId] ?? ProducerStateEntry(producerId: header.producerId)
            var entry = updates[header.producerId] ?? original
            try Self.append(header, to: &entry, original: original, origin: origin, logger: logger)
            updates[header.producerId] = entry
        }
        return .updates(updates)
    }

    /// Kafka's `ProducerAppendInfo.append`: a data batch is checked and remembered; a control
    /// batch (a transaction marker) ends the producer's transaction. The marker's coordinator
    /// epoch lives in its record, which this header-only path does not read, so it is kept.
    static func append(_ header: RecordBatchHeader, to entry: inout ProducerStateEntry, original: ProducerStateEntry,
                       origin: AppendOrigin, logger: Logger) throws {
        let epoch = header.producerEpoch
        if epoch < entry.producerEpoch {
            guard origin == .replica else {
                throw LogStoreError.invalidProducerEpoch(producerId: header.producerId, epoch: epoch,
                                                         currentEpoch: entry.producerEpoch, offset: header.baseOffset)
            }
            logger.warning("Epoch \(epoch) of producer \(header.producerId) at offset \(header.baseOffset) is older than the last seen epoch \(entry.producerEpoch)")
        }
        if header.attributes.isControl {
            // An empty control batch: the cleaner removed the whole transaction.
            guard header.recordsCount > 0 else { return }
            entry.updateEpoch(epoch)
            entry.currentTxnFirstOffset = nil
            entry.lastTimestamp = header.maxTimestamp
            return
        }
        if origin == .leader { try checkSequence(header, entry: entry, original: original) }
        entry.addBatch(epoch: epoch, lastSequence: header.lastSequence, lastOffset: header.lastOffset,
                       offsetDelta: header.lastOffsetDelta, timestamp: header.maxTimestamp)
        if header.attributes.isTransactional {
            if entry.currentTxnFirstOffset == nil { entry.currentTxnFirstOffset = header.baseOffset }
        } else if entry.currentTxnFirstOffset != nil && origin == .leader {
            throw LogStoreError.invalidTxnState(producerId: header.producerId, offset: header.baseOffset)
        }
    }

    /// Kafka's `ProducerAppendInfo.checkSequence`: a new epoch starts at sequence 0 (unless the
    /// producer had no epoch here); within an epoch the first sequence follows the last one,
    /// wrapping from `Int32.max` to 0. A producer the partition knows nothing about (new, or
    /// expired, or whose batches retention deleted) may start at any sequence: since KIP-360
    /// (Kafka 2.5) the broker no longer answers UNKNOWN_PRODUCER_ID here.
    private static func checkSequence(_ header: RecordBatchHeader, entry: ProducerStateEntry, original: ProducerStateEntry) throws {
        let firstSequence = header.baseSequence
        if header.producerEpoch != entry.producerEpoch {
            if firstSequence != 0 && entry.producerEpoch != ProducerStateEntry.noProducerEpoch {
                throw LogStoreError.outOfOrderSequence(producerId: header.producerId, epoch: header.producerEpoch,
                                                       firstSequence: firstSequence, lastSequence: -1, offset: header.baseOffset)
            }
        } else {
            let lastSequence = entry.lastSequence
            let inSequence = Int64(firstSequence) == Int64(lastSequence) + 1 || (firstSequence == 0 && lastSequence == Int32.max)
            if !(original.producerEpoch == ProducerStateEntry.noProducerEpoch || inSequence) {
                throw LogStoreError.outOfOrderSequence(producerId: header.producerId, epoch: header.producerEpoch,
                                                       firstSequence: firstSequence, lastSequence: lastSequence, offset: header.baseOffset)
            }
        }
    }

    /// Installs the entries of a successful append (Kafka's `update` + `updateMapEndOffset`).
    func apply(_ updates: [Int64: ProducerStateEntry], mapEndOffset offset: Int64) {
        for (producerId, entry) in updates { producers[producerId] = entry }
        mapEndOffset = offset
    }

    func updateMapEndOffset(_ offset: Int64) { mapEndOffset = offset }

    // MARK: Expiry

    /// Kafka's `isProducerExpired`: idle for `producer.id.expiration.ms` (by the timestamp of
    /// its last batch) and no open transaction.
    func isExpired(_ entry: ProducerStateEntry, now: Int64) -> Bool {
        entry.currentTxnFirstOffset == nil && now - entry.lastTimestamp >= config.producerIdExpirationMs
    }

    /// Forgets the expired producers; returns their ids.
    @discardableResult
    func removeExpiredProducers(now: Int64) -> [Int64] {
        let expired = producers.values.filter { isExpired($0, now: now) }.map(\.producerId).sorted()
        for producerId in expired { producers[producerId] = nil }
        return expired
    }

    // MARK: Snapshots

    /// Writes a snapshot at `mapEndOffset` unless one is there already (Kafka's `takeSnapshot`).
    func takeSnapshot() throws {
        guard mapEndOffset > lastSnapshotOffset else { return }
        try ProducerSnapshotFile.write(Array(producers.values), to: snapshotPath(mapEndOffset))
        if !snapshotOffsets.contains(mapEndOffset) {
            snapshotOffsets.append(mapEndOffset)
            snapshotOffsets.sort()
        }
        lastSnapshotOffset = mapEndOffset
        logger.info("Wrote producer snapshot at offset \(mapEndOffset) with \(producers.count) producer ids")
    }

    func deleteSnapshot(at offset: Int64) throws {
        guard let slot = snapshotOffsets.firstIndex(of: offset) else { return }
        snapshotOffsets.remove(at: slot)
        try FileSystem.remove(snapshotPath(offset))
    }

    /// Deletes the snapshots below `offset` (Kafka's `deleteSnapshotsBefore`).
    func deleteSnapshotsBefore(_ offset: Int64) throws {
        for snapshot in snapshotOffsets where snapshot < offset { try deleteSnapshot(at: snapshot) }
    }

    /// Kafka's `removeStraySnapshots`: a snapshot whose offset is no segment's base offset
    /// goes, except the largest such one when it is beyond every segment's base offset (the
    /// one written at clean shutdown, at the log end offset).
    func removeStraySnapshots(segmentBaseOffsets: [Int64]) throws {
        let bases = Set(segmentBaseOffsets)
        let strays = snapshotOffsets.filter { !bases.contains($0) }
        guard let largest = strays.last else { return }
        for stray in strays.dropLast() { try deleteSnapshot(at: stray) }
        if let maxBase = segmentBaseOffsets.max(), largest < maxBase { try deleteSnapshot(at: largest) }
    }

    /// Clears the map and loads the latest readable snapshot; a corrupt one is logged and
    /// deleted and the next older one tried, down to an empty map at the log start offset
    /// (Kafka's `loadFromSnapshot`). Expired producers are dropped on the way in.
    private func loadFromSnapshot(logStartOffset: Int64, now: Int64) throws {
        producers.removeAll()
        while let offset = snapshotOffsets.last {
            let path = snapshotPath(offset)
            do {
                for entry in try ProducerSnapshotFile.read(path: path) where !isExpired(entry, now: now) {
                    producers[entry.producerId] = entry
                }
                logger.info("Loaded producer state from snapshot \(path): \(producers.count) producer ids")
                lastSnapshotOffset = offset
                mapEndOffset = offset
                return
            } catch let error as LogStoreError {
                logger.warning("Failed to load producer snapshot \(path), deleting it: \(error)")
                producers.removeAll()
                try deleteSnapshot(at: offset)
            }
        }
        lastSnapshotOffset = logStartOffset
        mapEndOffset = logStartOffset
    }

    /// Kafka's `truncateAndReload`: snapshots beyond the log end or at or below the log start
    /// go; unless the map already ends at the log end, it is reloaded from the latest snapshot
    /// (the caller then replays the log from `mapEndOffset`).
    func truncateAndReload(logStartOffset: Int64, logEndOffset: Int64, now: Int64) throws {
        for offset in snapshotOffsets where offset > logEndOffset || offset <= logStartOffset {
            try deleteSnapshot(at: offset)
        }
        if logEndOffset != mapEndOffset {
            try loadFromSnapshot(logStartOffset: logStartOffset, now: now)
        } else {
            onLogStartOffsetIncremented(logStartOffset)
        }
    }

    /// Forgets everything and deletes every snapshot (Kafka's `truncateFullyAndStartAt`).
    func truncateFullyAndStartAt(_ offset: Int64) throws {
        producers.removeAll()
        for snapshot in snapshotOffsets { try deleteSnapshot(at: snapshot) }
        lastSnapshotOffset = 0
        mapEndOffset = offset
    }

    /// Kafka's `onLogStartOffsetIncremented`. Producer entries stay: only expiry removes them,
    /// so a producer whose batches retention deleted still gets its duplicates detected.
    func onLogStartOffsetIncremented(_ logStartOffset: Int64) {
        if mapEndOffset < logStartOffset { mapEndOffset = logStartOffset }
        lastSnapshotOffset = latestSnapshotOffset ?? logStartOffset
    }
}
