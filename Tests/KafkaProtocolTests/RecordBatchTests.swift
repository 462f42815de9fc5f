import NIOCore
import Testing

@testable import KafkaProtocol

@Suite struct RecordBatchTests {
    static let codecs = CompressionCodec.allCases

    /// Null vs empty keys and values, and headers with a null value.
    static func sampleEntries(count: Int = 5, baseTimestamp: Int64 = 1_700_000_000_000) -> [RecordBatch.Entry] {
        (0..<count).map { i in
            RecordBatch.Entry(
                key: i == 1 ? nil : (i == 2 ? ByteBuffer() : ByteBuffer(string: "key-\(i)")),
                value: i == 3 ? nil : (i == 4 ? ByteBuffer() : ByteBuffer(string: String(repeating: "value-\(i) ", count: 20))),
                headers: i == 0 ? [] : [
                    RecordHeader(key: "h-index", value: ByteBuffer(string: "\(i)")),
                    RecordHeader(key: "h-null", value: nil),
                    RecordHeader(key: "", value: ByteBuffer()),
                ],
                timestamp: baseTimestamp + Int64([0, 5, 3, 9, 1][i % 5]))
        }
    }

    static func recomputeCRC(_ buffer: inout ByteBuffer, at index: Int = 0) {
        let crc = RecordBatchHeader.computeCRC(in: buffer, at: index)!
        buffer.setInteger(crc, at: index + RecordBatchHeader.crcOffset, endianness: .big)
    }

    @Test func minimalBatchHasKafkasExactLayout() throws {
        let batch = RecordBatch(
            records: [.init(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v"), timestamp: 1000)],
            baseOffset: 7)
        let bytes = TestSupport.bytes(try batch.encoded())
        #expect(bytes.count == 61 + 9)
        // baseOffset 7, batchLength 58, leader epoch -1, magic 2
        #expect(TestSupport.hex(Array(bytes[0..<17])) == "00 00 00 00 00 00 00 07 00 00 00 3a ff ff ff ff 02")
        // attributes 0, lastOffsetDelta 0, base/max timestamp 1000, producer -1/-1/-1, count 1
        #expect(
            TestSupport.hex(Array(bytes[21..<61]))
                == "00 00 00 00 00 00 00 00 00 00 00 00 03 e8 00 00 00 00 00 00 03 e8 "
                + "ff ff ff ff ff ff ff ff ff ff ff ff ff ff 00 00 00 01")
        // length 8, attributes, timestampDelta 0, offsetDelta 0, key "k", value "v", no headers
        #expect(TestSupport.hex(Array(bytes[61...])) == "10 00 00 00 02 6b 02 76 00")
        #expect(RecordBatchHeader.crcIsValid(in: ByteBuffer(bytes: bytes), at: 0))
    }

    @Test(arguments: codecs)
    func roundTripsWithEveryCodec(codec: CompressionCodec) throws {
        let batch = RecordBatch(
            records: Self.sampleEntries(), baseOffset: 100, partitionLeaderEpoch: 3,
            producerId: 42, producerEpoch: 1, baseSequence: 17, compression: codec)
        var buffer = try batch.encoded()
        let size = buffer.readableBytes
        let header = RecordBatchHeader.peek(buffer, at: 0)!
        #expect(header.totalSize == size)
        #expect(header.attributes.compression == codec)
        #expect(header.lastOffsetDelta == 4)
        #expect(header.baseTimestamp == 1_700_000_000_000)
        #expect(header.maxTimestamp == 1_700_000_000_009)
        #expect(header.recordsCount == 5)
        #expect(RecordBatchHeader.crcIsValid(in: buffer, at: 0))

        let decoded = try RecordBatch.decode(from: &buffer)
        #expect(buffer.readableBytes == 0)
        #expect(decoded.records == batch.records)
        #expect(decoded.header.baseOffset == 100 && decoded.header.partitionLeaderEpoch == 3)
        #expect(decoded.header.producerId == 42 && decoded.header.producerEpoch == 1 && decoded.header.baseSequence == 17)
        #expect(decoded.records[1].key == nil && decoded.records[2].key == ByteBuffer())
        #expect(decoded.records[3].value == nil && decoded.records[4].value == ByteBuffer())
        #expect(decoded.records[1].headers[1] == RecordHeader(key: "h-null", value: nil))
        #expect(decoded.offset(of: decoded.records[4]) == 104)
        #expect(decoded.timestamp(of: decoded.records[3]) == 1_700_000_000_009)
        // Re-encoding what was decoded gives the same bytes.
        #expect(try decoded.encoded() == (try batch.encoded()))
    }

    @Test(arguments: codecs, [
        RecordBatchAttributes(isTransactional: true),
        RecordBatchAttributes(isControl: true),
        RecordBatchAttributes(timestampType: .logAppendTime),
        RecordBatchAttributes(hasDeleteHorizon: true),
        RecordBatchAttributes(timestampType: .logAppendTime, isTransactional: true, isControl: true, hasDeleteHorizon: true),
    ])
    func everyAttributeBitSurvivesARoundTrip(codec: CompressionCodec, attributes: RecordBatchAttributes) throws {
        var batch = RecordBatch(records: Self.sampleEntries(count: 3), producerId: 9, producerEpoch: 0, baseSequence: 0)
        batch.header.attributes = attributes
        batch.header.maxTimestamp = 1_800_000_000_000  // the broker's append time for LogAppendTime
        let decoded = try RecordBatch.decode(try batch.encoded(compression: codec), at: 0)
        #expect(decoded.header.attributes.rawValue == attributes.rawValue | codec.rawValue)
        #expect(decoded.isTransactional == attributes.isTransactional)
        #expect(decoded.isControl == attributes.isControl)
        #expect(decoded.timestampType == attributes.timestampType)
        #expect(decoded.header.attributes.hasDeleteHorizon == attributes.hasDeleteHorizon)
        #expect(decoded.records == batch.records)
        if attributes.timestampType == .logAppendTime {
            #expect(decoded.header.maxTimestamp == 1_800_000_000_000)
            #expect(decoded.records.allSatisfy { decoded.timestamp(of: $0) == 1_800_000_000_000 })
        } else {
            #expect(decoded.header.maxTimestamp == 1_700_000_000_005)
        }
        #expect(decoded.deleteHorizonMs == (attributes.hasDeleteHorizon ? 1_700_000_000_000 : nil))
    }

    @Test func emptyBatchRoundTripsKeepingItsOffsetsAndTimestamps() throws {
        var batch = RecordBatch(records: [], baseOffset: 50, producerId: 5, producerEpoch: 2, baseSequence: 10)
        batch.header.lastOffsetDelta = 9  // compaction emptied offsets 50...59
        #expect(batch.header.baseTimestamp == -1)
        for codec in Self.codecs {
            let decoded = try RecordBatch.decode(try batch.encoded(compression: codec), at: 0)
            #expect(decoded.records.isEmpty)
            #expect(decoded.lastOffset == 59)
            #expect(decoded.header.baseTimestamp == -1 && decoded.header.maxTimestamp == -1)
        }
    }

    @Test(arguments: [CompressionCodec.none, .zstd])
    func flippingAnyByteFromAttributesOnIsACRCMismatch(codec: CompressionCodec) throws {
        let good = try RecordBatch(records: Self.sampleEntries(count: 2), compression: codec).encoded()
        for index in RecordBatchHeader.attributesOffset..<good.readableBytes {
            var bad = good
            bad.setInteger(bad.getInteger(at: index, as: UInt8.self)! ^ 0x01, at: index)
            do {
                _ = try RecordBatch.decode(bad, at: 0)
                Issue.record("flipped byte \(index) was not detected")
            } catch {
                guard case .crcMismatch = error else {
                    Issue.record("byte \(index): expected crcMismatch, got \(error)")
                    continue
                }
            }
        }
    }

    @Test func baseOffsetAndLeaderEpochAreOutsideTheCRC() throws {
        var buffer = try RecordBatch(records: Self.sampleEntries(count: 2)).encoded()
        RecordBatchHeader.stamp(&buffer, at: 0, baseOffset: 1234, partitionLeaderEpoch: 7)
        let decoded = try RecordBatch.decode(buffer, at: 0)
        #expect(decoded.baseOffset == 1234 && decoded.header.partitionLeaderEpoch == 7)
    }

    @Test func brokerCanStampLogAppendTimeKeepingTheCRCValid() throws {
        var buffer = ByteBuffer()
        try RecordBatch(records: Self.sampleEntries(count: 3), compression: .snappy).encode(to: &buffer)
        let before = RecordBatchHeader.peek(buffer, at: 0)!
        #expect(RecordBatchHeader.setMaxTimestamp(&buffer, at: 0, timestampType: .logAppendTime, maxTimestamp: 1_900_000_000_000))
        let after = RecordBatchHeader.peek(buffer, at: 0)!
        #expect(after.crc != before.crc)
        #expect(after.attributes.timestampType == .logAppendTime && after.attributes.compression == .snappy)
        let decoded = try RecordBatch.decode(buffer, at: 0)
        #expect(decoded.records.allSatisfy { decoded.timestamp(of: $0) == 1_900_000_000_000 })
        var short = buffer.getSlice(at: 0, length: buffer.readableBytes - 1)!
        #expect(!RecordBatchHeader.setMaxTimestamp(&short, at: 0, timestampType: .createTime, maxTimestamp: 0))
    }

    @Test func everyTruncationIsReportedWithoutConsuming() throws {
        let good = try RecordBatch(records: Self.sampleEntries(count: 2), compression: .lz4).encoded()
        for keep in 0..<good.readableBytes {
            var cut = good.getSlice(at: 0, length: keep)!
            #expect(throws: RecordBatchError.self) { try RecordBatch.decode(from: &cut) }
            #expect(cut.readerIndex == 0)
            if keep > 16 {
                do { _ = try RecordBatch.decode(cut, at: 0) } catch {
                    guard case .truncated = error else {
                        Issue.record("kept \(keep): \(error)")
                        continue
                    }
                }
            }
        }
    }

    @Test func wrongMagicAndTinyBatchLengthAreRejected() throws {
        var buffer = try RecordBatch(records: Self.sampleEntries(count: 1)).encoded()
        var v1 = buffer
        v1.setInteger(Int8(1), at: RecordBatchHeader.magicOffset)
        #expect(throws: RecordBatchError.invalidMagic(1)) { try RecordBatch.decode(v1, at: 0) }
        buffer.setInteger(Int32(48), at: RecordBatchHeader.batchLengthOffset, endianness: .big)
        #expect(throws: RecordBatchError.invalidBatchLength(48)) { try RecordBatch.decode(buffer, at: 0) }
    }

    @Test func recordsCountMustMatchTheRecordsSection() throws {
        let good = try RecordBatch(records: Self.sampleEntries(count: 3)).encoded()
        var tooMany = good
        tooMany.setInteger(Int32(4), at: RecordBatchHeader.recordsCountOffset, endianness: .big)
        Self.recomputeCRC(&tooMany)
        #expect(throws: RecordBatchError.self) { try RecordBatch.decode(tooMany, at: 0) }
        var tooFew = good
        tooFew.setInteger(Int32(2), at: RecordBatchHeader.recordsCountOffset, endianness: .big)
        Self.recomputeCRC(&tooFew)
        do {
            _ = try RecordBatch.decode(tooFew, at: 0)
            Issue.record("trailing record not detected")
        } catch {
            guard case .trailingBytes = error else { Issue.record("got \(error)"); return }
        }
        var negative = good
        negative.setInteger(Int32(-1), at: RecordBatchHeader.recordsCountOffset, endianness: .big)
        Self.recomputeCRC(&negative)
        #expect(throws: RecordBatchError.invalidRecordCount(-1)) { try RecordBatch.decode(negative, at: 0) }
    }

    @Test func recordLengthVarintMustMatchItsFields() throws {
        // One record "10 00 00 00 02 6b 02 76 00" with its length claiming one byte more
        // (and a spare byte so the record still fits in the section).
        var buffer = try RecordBatch(records: [.init(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v"), timestamp: 0)]).encoded()
        buffer.setInteger(UInt8(0x12), at: 61)
        buffer.writeInteger(UInt8(0))
        buffer.setInteger(Int32(buffer.readableBytes - 12), at: 8, endianness: .big)
        Self.recomputeCRC(&buffer)
        do {
            _ = try RecordBatch.decode(buffer, at: 0)
            Issue.record("record length mismatch not detected")
        } catch {
            guard case .malformedRecord(index: 0, _) = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func nullHeaderKeyIsMalformed() throws {
        // attributes, timestampDelta, offsetDelta, null key, null value, 1 header whose key is null.
        var body = ByteBuffer()
        body.writeInteger(Int8(0))
        body.writeVarlong(0)
        for v: Int32 in [0, -1, -1, 1, -1, -1] { body.writeVarint(v) }
        var bad = ByteBuffer()
        bad.writeVarint(Int32(body.readableBytes))
        bad.writeBuffer(&body)
        #expect(throws: KafkaDecodingError.self) { try Record.decode(from: &bad) }
        #expect(bad.readerIndex == 0)
    }

    @Test func decompressionLimitAppliesToBatches() throws {
        let entries = [RecordBatch.Entry(key: nil, value: ByteBuffer(repeating: 0, count: 2 << 20), timestamp: 0)]
        for codec in CompressionCodec.allCases where codec != .none {
            let buffer = try RecordBatch(records: entries, compression: codec).encoded()
            #expect(throws: RecordBatchError.decompression(.exceedsLimit(codec, limit: 1 << 20))) {
                try RecordBatch.decode(buffer, at: 0, maxDecompressedBytes: 1 << 20)
            }
        }
    }

    @Test func unknownCodecBitsAreRejected() throws {
        var buffer = try RecordBatch(records: Self.sampleEntries(count: 1)).encoded()
        buffer.setInteger(Int16(6), at: RecordBatchHeader.attributesOffset, endianness: .big)
        Self.recomputeCRC(&buffer)
        #expect(throws: RecordBatchError.unknownCompression(attributes: 6)) { try RecordBatch.decode(buffer, at: 0) }
    }
}
