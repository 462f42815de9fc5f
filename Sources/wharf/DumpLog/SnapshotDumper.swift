import LogStore

/// Dumps a producer state `.snapshot` like Kafka's `DumpLogSegments.dumpProducerIdSnapshot`:
/// one line per producer, then its cached batch when the snapshot has one. Parsing is
/// LogStore's `ProducerSnapshotFile`, the same code the broker loads snapshots with, so a file
/// this tool calls corrupt is one the broker would delete at start-up.
struct SnapshotDumper {
    let output: DumpOutput

    /// Throws `LogStoreError.corruptProducerSnapshot` (bad CRC, version, length) or an I/O error.
    func dump(path: String) throws {
        for entry in try ProducerSnapshotFile.read(path: path) {
            // Kafka prints Java's `OptionalLong` for the open transaction's first offset.
            let txnFirstOffset = entry.currentTxnFirstOffset.map { "OptionalLong[\($0)]" } ?? "OptionalLong.empty"
            var line = "producerId: \(entry.producerId) producerEpoch: \(entry.producerEpoch) "
                + "coordinatorEpoch: \(entry.coordinatorEpoch) currentTxnFirstOffset: \(txnFirstOffset) "
                + "lastTimestamp: \(entry.lastTimestamp) "
            if let batch = entry.batchMetadata.first {
                line += "firstSequence: \(batch.firstSequence) lastSequence: \(batch.lastSequence) "
                    + "lastOffset: \(batch.lastOffset) offsetDelta: \(batch.offsetDelta) timestamp: \(batch.timestamp)"
            }
            output.line(line)
        }
    }
}
