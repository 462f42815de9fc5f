import KafkaProtocol
import NIOCore

/// Validates the batches of an append and prepares them for the log (Kafka's
/// `UnifiedLog.analyzeAndValidateRecords` plus the offset-assigning part of `LogValidator`).
/// Thread-safe (stateless).
enum AppendValidator {
    /// Checks every batch in `buffer` (whose reader index is 0): whole batches only, magic 2,
    /// a possible length, a known codec, the CRC, and for leaders the size limit and
    /// `recordsCount == lastOffsetDelta + 1`.
    static func validate(_ buffer: ByteBuffer, origin: AppendOrigin, maxMessageBytes: Int) throws -> [BatchLocation] {
        var batches: [BatchLocation] = []
        var position = 0
        let total = buffer.readableBytes
        while position < total {
            let remaining = total - position
            guard let header = RecordBatchHeader.peek(buffer, at: position) else {
                throw LogStoreError.corruptRecord("\(remaining) trailing bytes at position \(position) are not a whole batch header")
            }
            guard header.magic == RecordBatchHeader.currentMagic else {
                throw LogStoreError.corruptRecord("batch at position \(position) has magic \(header.magic); only magic 2 is supported")
            }
            guard header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead) else {
                throw LogStoreError.corruptRecord("batch at position \(position) has impossible length \(header.batchLength)")
            }
            guard header.totalSize <= remaining else {
                throw LogStoreError.corruptRecord("batch at position \(position) needs \(header.totalSize) bytes, only \(remaining) given")
            }
            if origin == .leader && header.totalSize > maxMessageBytes {
                throw LogStoreError.recordTooLarge(batchSize: header.totalSize, maxMessageBytes: maxMessageBytes)
            }
            guard header.attributes.compression != nil else {
                throw LogStoreError.corruptRecord("batch at position \(position) has unknown compression codec")
            }
            guard RecordBatchHeader.crcIsValid(in: buffer, at: position) else {
                throw LogStoreError.corruptRecord("batch at position \(position) fails its CRC-32C check")
            }
            guard header.lastOffsetDelta >= 0 else {
                throw LogStoreError.invalidRecord("batch at position \(position) has negative lastOffsetDelta \(header.lastOffsetDelta)")
            }
            if origin == .leader {
                guard header.recordsCount > 0 else {
                    throw LogStoreError.invalidRecord("batch at position \(position) has no records")
                }
                guard Int64(header.recordsCount) == Int64(header.lastOffsetDelta) + 1 else {
                    throw LogStoreError.invalidRecord(
                        "batch at position \(position): \(header.recordsCount) records but offset range of \(Int64(header.lastOffsetDelta) + 1)")
                }
            }
            batches.append(BatchLocation(position: position, header: header))
            position += header.totalSize
        }
        return batches
    }

    /// Leader: assigns offsets from `nextOffset`, stamps `leaderEpoch`, and with LogAppendTime
    /// sets the timestamp-type bit and maxTimestamp = `now` and recomputes the CRC.
    static func assignOffsets(
        _ buffer: inout ByteBuffer, batches: inout [BatchLocation], nextOffset: Int64,
        leaderEpoch: Int32, timestampType: TimestampType, now: Int64
    ) {
        var offset = nextOffset
        for i in batches.indices {
            let position = batches[i].position
            RecordBatchHeader.stamp(&buffer, at: position, baseOffset: offset, partitionLeaderEpoch: leaderEpoch)
            batches[i].header.baseOffset = offset
            batches[i].header.partitionLeaderEpoch = leaderEpoch
            if timestampType == .logAppendTime {
                var attributes = batches[i].header.attributes
                attributes.timestampType = .logAppendTime
                buffer.setInteger(attributes.rawValue, at: position + RecordBatchHeader.attributesOffset, endianness: .big)
                buffer.setInteger(now, at: position + RecordBatchHeader.maxTimestampOffset, endianness: .big)
                let crc = RecordBatchHeader.computeCRC(in: buffer, at: position)!
                buffer.setInteger(crc, at: position + RecordBatchHeader.crcOffset, endianness: .big)
                batches[i].header.attributes = attributes
                batches[i].header.maxTimestamp = now
                batches[i].header.crc = crc
            }
            offset = batches[i].header.nextOffset
        }
    }

    /// Replica: offsets must start at or after the log end and increase.
    static func checkReplicaOffsets(_ batches: [BatchLocation], logEndOffset: Int64) throws {
        var next = logEndOffset
        for batch in batches {
            guard batch.header.baseOffset >= next else {
                throw LogStoreError.unexpectedAppendOffset(firstOffset: batch.header.baseOffset, logEndOffset: next)
            }
            next = batch.header.nextOffset
        }
    }
}
