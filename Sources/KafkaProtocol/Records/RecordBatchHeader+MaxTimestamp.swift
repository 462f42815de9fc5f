import NIOCore

extension RecordBatchHeader {
    /// Sets the timestamp type and maxTimestamp of the batch at `index` in place and
    /// recomputes its CRC, as `DefaultRecordBatch.setMaxTimestamp` does when a broker with
    /// `message.timestamp.type=LogAppendTime` stamps its append time. Unlike baseOffset and
    /// partitionLeaderEpoch (see `stamp`), both fields are covered by the CRC.
    /// Returns false (and changes nothing) when the batch is not wholly in `buffer`.
    @discardableResult
    public static func setMaxTimestamp(
        _ buffer: inout ByteBuffer, at index: Int, timestampType: TimestampType, maxTimestamp: Int64
    ) -> Bool {
        guard var header = peek(buffer, at: index), computeCRC(in: buffer, at: index) != nil else { return false }
        if header.attributes.timestampType == timestampType && header.maxTimestamp == maxTimestamp { return true }
        header.attributes.timestampType = timestampType
        buffer.setInteger(header.attributes.rawValue, at: index + attributesOffset, endianness: .big)
        buffer.setInteger(maxTimestamp, at: index + maxTimestampOffset, endianness: .big)
        let crc = computeCRC(in: buffer, at: index)!
        buffer.setInteger(crc, at: index + crcOffset, endianness: .big)
        return true
    }
}
