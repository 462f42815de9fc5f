import KafkaProtocol
import NIOCore

/// Prints the `| offset: …` lines of one batch, as Kafka's `DumpLogSegments` does with
/// `--print-data-log` (deep iteration): metadata, then `key:` and `payload:` as UTF-8.
struct RecordLinePrinter {
    let output: DumpOutput
    let maxDecompressedBytes: Int

    func printRecords(
        of bytes: ByteBuffer, header: RecordBatchHeader,
        lastOffset: inout Int64?, nonConsecutive: inout [(Int64, Int64)]
    ) {
        let batch: RecordBatch
        do {
            batch = try RecordBatch.decode(bytes, at: bytes.readerIndex, maxDecompressedBytes: maxDecompressedBytes)
        } catch {
            output.error("Cannot read the records of the batch at offset \(header.baseOffset): \(error)")
            return
        }
        for record in batch.records {
            let offset = batch.offset(of: record)
            if let last = lastOffset, offset != last + 1 { nonConsecutive.append((last, offset)) }
            lastOffset = offset
            output.line(Self.line(for: record, in: batch))
        }
    }

    static func line(for record: Record, in batch: RecordBatch) -> String {
        let h = batch.header
        let sequence = h.baseSequence < 0 ? -1 : Int64(h.baseSequence) + Int64(record.offsetDelta)
        var line = "| offset: \(batch.offset(of: record)) \(batch.timestampType.name): \(batch.timestamp(of: record))"
            + " keySize: \(record.key?.readableBytes ?? -1) valueSize: \(record.value?.readableBytes ?? -1)"
            + " sequence: \(sequence) headerKeys: [\(record.headers.map(\.key).joined(separator: ","))]"
        if batch.isControl {
            line += controlDescription(record)
        } else {
            if let key = record.key { line += " key: \(text(key))" }
            if let value = record.value { line += " payload: \(text(value))" }
        }
        return line
    }

    /// Control records show their marker instead of key and payload (Kafka prints
    /// `endTxnMarker: COMMIT coordinatorEpoch: N` for transaction markers).
    static func controlDescription(_ record: Record) -> String {
        guard let key = try? ControlRecordKey.decode(record.key) else { return " controlType: UNKNOWN(-1)" }
        switch key.type {
        case .abort, .commit:
            guard let marker = try? EndTransactionMarker.decode(from: record) else {
                return " controlType: \(javaName(key.type))(\(key.type.rawValue))"
            }
            return " endTxnMarker: \(javaName(marker.type)) coordinatorEpoch: \(marker.coordinatorEpoch)"
        default:
            return " controlType: \(javaName(key.type))(\(key.type.rawValue))"
        }
    }

    static func javaName(_ type: ControlRecordType) -> String {
        switch type {
        case .abort: "ABORT"
        case .commit: "COMMIT"
        case .leaderChange: "LEADER_CHANGE"
        case .snapshotHeader: "SNAPSHOT_HEADER"
        case .snapshotFooter: "SNAPSHOT_FOOTER"
        case .kraftVersion: "KRAFT_VERSION"
        case .kraftVoters: "KRAFT_VOTERS"
        case .unknown: "UNKNOWN"
        }
    }

    /// Keys and payloads as UTF-8, like Kafka's StringDecoder, except that control characters
    /// are escaped (`\x0a`): one record stays one line, so the output can be grepped and a
    /// binary payload can't drive the terminal. Invalid UTF-8 shows as U+FFFD.
    static func text(_ bytes: ByteBuffer) -> String {
        let decoded = String(decoding: bytes.readableBytesView, as: UTF8.self)
        guard decoded.unicodeScalars.contains(where: isControl) else { return decoded }
        var escaped = ""
        for scalar in decoded.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16)
                escaped += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
