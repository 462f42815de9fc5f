import KafkaProtocol
import LogStore
import Logging
import NIOCore

/// The controller's metadata log on disk: `<data-dir>/controller/__cluster_metadata-0/`,
/// an ordinary `PartitionLog` (topic `__cluster_metadata`, partition 0, as KRaft names
/// its log), so `wharf dump-log` reads it and LogStore supplies CRCs and torn-write
/// recovery.
///
/// Each commit is one record batch (no key; each record's value is a `MetadataRecord`,
/// see `MetadataRecord+Codec.swift`), appended with leader epoch 0 (there is one
/// controller) and fdatasync'd before the commit returns, because the controller answers
/// only after its change is durable (KRaft answers after the Raft commit).
///
/// The log is always opened as after an unclean shutdown: every segment is scanned and a
/// torn or corrupt last batch is truncated, so a crash mid-commit loses exactly that
/// uncommitted change. The metadata log is small; the scan is cheap.
///
/// Not thread-safe by itself: the `Controller` calls it under its lock.
final class MetadataLog {
    static let topicPartition = TopicPartition(topic: "__cluster_metadata", partition: 0)
    private let log: PartitionLog
    private let clock: @Sendable () -> Int64

    init(directory: String, clock: @escaping @Sendable () -> Int64, logger: Logger) throws(ControllerError) {
        self.clock = clock
        // One commit is one batch, so the batch limit bounds a commit: 64 MiB fits a
        // CreateTopics of about a million partitions (Kafka splits such commits instead).
        var config = LogConfig()
        config.maxMessageBytes = 64 << 20
        do {
            log = try PartitionLog.open(
                directory: directory + "/" + Self.topicPartition.directoryName, topicPartition: Self.topicPartition,
                config: config, clock: EngineClock(now: clock), recoveryPoint: 0, logStartOffset: 0,
                hadCleanShutdown: false, logger: logger)
        } catch {
            throw .storage("cannot open the metadata log in \(directory): \(error)")
        }
    }

    /// The offset the next record will get.
    var nextOffset: Int64 { log.logEndOffset }

    /// Every record in the log, in order, with its offset.
    func readAll() throws(ControllerError) -> [(offset: Int64, record: MetadataRecord)] {
        var result: [(Int64, MetadataRecord)] = []
        var offset = log.logStartOffset
        do {
            while offset < log.logEndOffset {
                var bytes = try log.read(from: offset, maxBytes: 1 << 20).records
                guard bytes.readableBytes > 0 else { break }
                while bytes.readableBytes > 0 {
                    let batch = try RecordBatch.decode(from: &bytes)
                    for record in batch.records {
                        guard let value = record.value else {
                            throw ControllerError.corruptMetadataLog("record at \(batch.offset(of: record)) has no value")
                        }
                        result.append((batch.offset(of: record), try MetadataRecord.decode(value)))
                    }
                    offset = batch.lastOffset + 1
                }
            }
        } catch let error as ControllerError {
            throw error
        } catch {
            throw .corruptMetadataLog("reading offset \(offset): \(error)")
        }
        return result
    }

    /// Appends `records` as one batch and syncs it; returns the first record's offset.
    func append(_ records: [MetadataRecord]) throws(ControllerError) -> Int64 {
        let now = clock()
        let batch = RecordBatch(records: records.map { RecordBatch.Entry(key: nil, value: $0.encoded, timestamp: now) })
        do {
            let info = try log.append(try batch.encoded(), leaderEpoch: 0)
            try log.flush()
            return info.firstOffset
        } catch {
            throw .storage("\(error)")
        }
    }

    func close() {
        try? log.close()
    }
}

/// LogStore's `Clock` over the engine scheduler's time, so batch timestamps follow the
/// ManualScheduler in tests.
private struct EngineClock: Clock {
    let now: @Sendable () -> Int64
    func milliseconds() -> Int64 { now() }
}
