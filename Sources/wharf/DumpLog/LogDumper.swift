import KafkaProtocol
import NIOCore

/// Dumps a `.log` segment like Kafka's `DumpLogSegments.dumpLog`: one line per batch and,
/// with `printRecords`, one `| offset: …` line per record.
///
/// The walk never trusts the file: a batch whose CRC doesn't match still prints (with
/// `isvalid: false`) and the walk goes on after it, because its length frames it; bytes that
/// can't be framed as a batch end the walk and are reported as trailing invalid bytes.
struct LogDumper {
    let output: DumpOutput
    let printRecords: Bool
    let maxBytes: Int
    /// Bound for decompression while printing records (Kafka's default max.message.bytes × 64).
    let maxDecompressedBytes: Int

    func dump(path: String) throws {
        let baseOffset = try IndexDumper.baseOffset(ofFile: path)
        output.line("Log starting offset: \(baseOffset)")
        let log = try SegmentFileReader(path: path)
        let limit = min(log.size, maxBytes)
        var position = 0
        var lastRecordOffset: Int64? = nil
        var nonConsecutive: [(Int64, Int64)] = []
        while let batch = try log.batch(at: position, limit: limit),
              let header = RecordBatchHeader.peek(batch, at: batch.readerIndex) {
            let isValid = RecordBatchHeader.crcIsValid(in: batch, at: batch.readerIndex)
            output.line(Self.batchLine(header, position: position, isValid: isValid))
            if printRecords {
                RecordLinePrinter(output: output, maxDecompressedBytes: maxDecompressedBytes)
                    .printRecords(of: batch, header: header, lastOffset: &lastRecordOffset, nonConsecutive: &nonConsecutive)
            }
            position += header.totalSize
        }
        if position < log.size, maxBytes == Int.max {
            output.line("Found \(log.size - position) invalid bytes at the end of \(Self.fileName(path))")
        }
        if !nonConsecutive.isEmpty {
            output.error("Non-consecutive offsets in \(path)")
            for (first, second) in nonConsecutive { output.error("  \(first) is followed by \(second)") }
        }
    }

    /// Kafka's `printBatchLevel` for magic 2. `deleteHorizonMs` prints as Java's OptionalLong does.
    static func batchLine(_ h: RecordBatchHeader, position: Int, isValid: Bool) -> String {
        let codec = h.attributes.compression?.name ?? "unknown(\(h.attributes.rawValue & 0x07))"
        let deleteHorizon = h.attributes.hasDeleteHorizon ? "OptionalLong[\(h.baseTimestamp)]" : "OptionalLong.empty"
        return "baseOffset: \(h.baseOffset) lastOffset: \(h.lastOffset) count: \(h.recordsCount)"
            + " baseSequence: \(h.baseSequence) lastSequence: \(h.lastSequence)"
            + " producerId: \(h.producerId) producerEpoch: \(h.producerEpoch)"
            + " partitionLeaderEpoch: \(h.partitionLeaderEpoch) isTransactional: \(h.attributes.isTransactional)"
            + " isControl: \(h.attributes.isControl) deleteHorizonMs: \(deleteHorizon)"
            + " position: \(position) \(h.attributes.timestampType.name): \(h.maxTimestamp)"
            + " size: \(h.totalSize) magic: \(h.magic) compresscodec: \(codec) crc: \(h.crc) isvalid: \(isValid)"
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

enum DumpLogError: Error, CustomStringConvertible {
    case badFileName(String)
    var description: String {
        switch self {
        case .badFileName(let path): "\(path): not a segment file name (expected a 20-digit base offset)"
        }
    }
}
