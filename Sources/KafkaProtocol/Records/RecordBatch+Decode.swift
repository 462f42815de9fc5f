import NIOCore

extension RecordBatch {
    /// Decodes the batch at the reader index and consumes it. On error nothing is consumed.
    ///
    /// Checks, in order: 61 header bytes present, magic 2, batchLength sane, whole batch
    /// present, CRC-32C of attributes..end, codec known, recordsCount sane; then it
    /// decompresses (at most `maxDecompressedBytes`), reads exactly recordsCount records,
    /// each matching its length varint, and requires the records section to be used up.
    public static func decode(
        from buffer: inout ByteBuffer,
        maxDecompressedBytes: Int = CompressionCodec.defaultMaxDecompressedBytes
    ) throws(RecordBatchError) -> RecordBatch {
        let batch = try decode(buffer, at: buffer.readerIndex, maxDecompressedBytes: maxDecompressedBytes)
        buffer.moveReaderIndex(forwardBy: batch.header.totalSize)
        return batch
    }

    /// Decodes the batch that starts at absolute `index` of `buffer`, without moving it.
    public static func decode(
        _ buffer: ByteBuffer, at index: Int,
        maxDecompressedBytes: Int = CompressionCodec.defaultMaxDecompressedBytes
    ) throws(RecordBatchError) -> RecordBatch {
        let available = buffer.writerIndex - index
        // The magic byte sits at the same offset in v0/v1 message sets, so look at it
        // before trusting anything else in the header.
        if available > RecordBatchHeader.magicOffset,
           let magic = buffer.getInteger(at: index + RecordBatchHeader.magicOffset, as: Int8.self),
           magic != RecordBatchHeader.currentMagic {
            throw .invalidMagic(magic)
        }
        guard let header = RecordBatchHeader.peek(buffer, at: index) else {
            throw .truncated(needed: RecordBatchHeader.size, available: max(available, 0))
        }
        guard header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead) else {
            throw .invalidBatchLength(header.batchLength)
        }
        guard header.totalSize <= available else { throw .truncated(needed: header.totalSize, available: available) }
        let computed = RecordBatchHeader.computeCRC(in: buffer, at: index)!
        guard computed == header.crc else { throw .crcMismatch(stored: header.crc, computed: computed) }
        guard let codec = header.attributes.compression else {
            throw .unknownCompression(attributes: header.attributes.rawValue)
        }
        var section = buffer.getSlice(
            at: index + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size)!
        // An empty batch (compaction keeps them for producer state) may have no payload.
        if codec != .none && !(header.recordsCount == 0 && section.readableBytes == 0) {
            do {
                section = try codec.decompress(section, maxDecompressedBytes: maxDecompressedBytes)
            } catch let error as CompressionError {
                throw .decompression(error)
            } catch {
                throw .decompression(.corrupt(codec, reason: "\(error)"))
            }
        }
        // Every record takes at least 7 bytes; a larger count is a lie, refuse it before
        // reserving memory for it.
        guard header.recordsCount >= 0, Int(header.recordsCount) <= section.readableBytes / 7 else {
            throw .invalidRecordCount(header.recordsCount)
        }
        var records: [Record] = []
        records.reserveCapacity(Int(header.recordsCount))
        for i in 0..<Int(header.recordsCount) {
            do {
                records.append(try Record.decode(from: &section))
            } catch {
                throw .malformedRecord(index: i, error)
            }
        }
        guard section.readableBytes == 0 else { throw .trailingBytes(section.readableBytes) }
        return RecordBatch(header: header, records: records)
    }
}
