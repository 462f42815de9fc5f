/// Why a record batch could not be decoded or encoded. The cases follow the checks of
/// Kafka's `DefaultRecordBatch.ensureValid` / `DefaultRecord.readFrom` and the
/// `CorruptRecordException` / `InvalidRecordException` messages they raise.
public enum RecordBatchError: Error, Hashable, Sendable {
    /// The buffer ends before the batch does (`needed` bytes from the batch start).
    case truncated(needed: Int, available: Int)
    /// Magic byte is not 2: a v0/v1 message set, which this codec does not read.
    case invalidMagic(Int8)
    /// batchLength is smaller than the header after it (49 bytes).
    case invalidBatchLength(Int32)
    /// The stored CRC-32C does not match attributes..end: the batch is corrupt.
    case crcMismatch(stored: UInt32, computed: UInt32)
    /// Codec bits 5-7, which no Kafka version writes.
    case unknownCompression(attributes: Int16)
    /// recordsCount is negative or larger than the records section could hold.
    case invalidRecordCount(Int32)
    /// The records section did not decompress (or would exceed the size limit).
    case decompression(CompressionError)
    /// Record `index` (0-based) is malformed or cut short.
    case malformedRecord(index: Int, KafkaDecodingError)
    /// Bytes left in the records section after `recordsCount` records.
    case trailingBytes(Int)
    /// Encoding: compressing the records section failed.
    case compression(CompressionError)
    /// Encoding: the batch would be larger than batchLength (int32) can say.
    case batchTooLarge(Int)
}
