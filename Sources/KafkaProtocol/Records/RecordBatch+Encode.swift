import NIOCore

extension RecordBatch {
    /// Appends the batch to `buffer` and returns the bytes written.
    ///
    /// `compression` overrides the codec in `header.attributes` (nil keeps it). The header
    /// written has batchLength, recordsCount, lastOffsetDelta (the largest offsetDelta),
    /// maxTimestamp (CreateTime: baseTimestamp + largest timestampDelta; LogAppendTime:
    /// kept, it is the broker's time) and the CRC-32C of attributes..end, as
    /// `MemoryRecordsBuilder.writeDefaultBatchHeader` computes them. An empty batch keeps
    /// its lastOffsetDelta and timestamps.
    @discardableResult
    public func encode(to buffer: inout ByteBuffer, compression: CompressionCodec? = nil) throws(RecordBatchError) -> Int {
        let codec = compression ?? self.compression
        var section = ByteBufferAllocator().buffer(capacity: records.reduce(0) { $0 + $1.sizeInBytes })
        for record in records { record.encode(to: &section) }
        if codec != .none {
            do {
                section = try codec.compress(section)
            } catch let error as CompressionError {
                throw .compression(error)
            } catch {
                throw .compression(.compressionFailed(codec, reason: "\(error)"))
            }
        }
        let batchLength = RecordBatchHeader.size - RecordBatchHeader.logOverhead + section.readableBytes
        guard batchLength <= Int(Int32.max) else { throw .batchTooLarge(batchLength + RecordBatchHeader.logOverhead) }

        var out = header
        out.magic = RecordBatchHeader.currentMagic
        out.attributes.rawValue = (header.attributes.rawValue & ~0x07) | codec.rawValue
        out.batchLength = Int32(batchLength)
        out.recordsCount = Int32(records.count)
        out.crc = 0
        if let lastDelta = records.map(\.offsetDelta).max() { out.lastOffsetDelta = lastDelta }
        if out.attributes.timestampType == .createTime, let maxDelta = records.map(\.timestampDelta).max() {
            out.maxTimestamp = header.baseTimestamp + maxDelta
        }

        let start = buffer.writerIndex
        out.write(to: &buffer)
        buffer.writeBuffer(&section)
        let crc = RecordBatchHeader.computeCRC(in: buffer, at: start)!
        buffer.setInteger(crc, at: start + RecordBatchHeader.crcOffset, endianness: .big)
        return buffer.writerIndex - start
    }

    /// The batch encoded into a new buffer.
    public func encoded(compression: CompressionCodec? = nil) throws(RecordBatchError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: RecordBatchHeader.size + records.count * 32)
        try encode(to: &buffer, compression: compression)
        return buffer
    }
}
