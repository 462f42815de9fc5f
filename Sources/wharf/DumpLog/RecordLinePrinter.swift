import KafkaProtocol
import NIOCore

/// Prints the `| offset: …` lines of one batch (Kafka's deep iteration with `--print-data-log`).
struct RecordLinePrinter {
    let output: DumpOutput
    let maxDecompressedBytes: Int

    func printRecords(
        of batch: ByteBuffer, header: RecordBatchHeader,
        lastOffset: inout Int64?, nonConsecutive: inout [(Int64, Int64)]
    ) {
        output.error("record printing needs the record decoder")
    }
}
