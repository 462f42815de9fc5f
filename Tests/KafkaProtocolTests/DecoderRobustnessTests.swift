import NIOCore
import Testing

@testable import KafkaProtocol

/// Corrupt input must produce an error, never a crash or a huge allocation: the CRC is
/// recomputed after each mutation so the record parser itself sees the damage.
@Suite struct DecoderRobustnessTests {
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test(arguments: CompressionCodec.allCases)
    func mutatedBatchesThrowOrDecodeButNeverCrash(codec: CompressionCodec) throws {
        let good = try RecordBatch(records: RecordBatchTests.sampleEntries(count: 5), compression: codec).encoded()
        var random = LCG(state: UInt64(codec.rawValue) + 1)
        var failures = 0
        for _ in 0..<1500 {
            var bad = good
            for _ in 0...random.next(3) {
                let at = RecordBatchHeader.size + random.next(good.readableBytes - RecordBatchHeader.size)
                bad.setInteger(UInt8(truncatingIfNeeded: random.next(256)), at: at)
            }
            if random.next(4) == 0 {  // sometimes also lie about recordsCount
                bad.setInteger(Int32(random.next(1000) - 10), at: RecordBatchHeader.recordsCountOffset, endianness: .big)
            }
            RecordBatchTests.recomputeCRC(&bad)
            do {
                _ = try RecordBatch.decode(bad, at: 0, maxDecompressedBytes: 1 << 20)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0)
    }

    @Test func primitiveReadersNeverMoveOnFailureForAnyPrefix() {
        var full = ByteBuffer()
        full.writeCompactString("compact")
        full.writeKafkaNullableString("classic")
        full.writeKafkaBytes(ByteBuffer(bytes: [1, 2, 3]))
        full.writeCompactArray([Int32(1), 2, 3]) { $0.writeKafkaInteger($1) }
        var tagged = TaggedFields()
        tagged[1] = ByteBuffer(bytes: [7, 7])
        full.writeTaggedFields(tagged)
        full.writeKafkaUUID(KafkaUUID(mostSignificantBits: 3, leastSignificantBits: 4))
        // Every prefix: each reader either succeeds or leaves the index alone, and a
        // complete read of the whole sequence happens only with all bytes present.
        for keep in 0...full.readableBytes {
            var b = full.getSlice(at: 0, length: keep)!
            var complete = false
            repeat {
                let start = b.readerIndex
                guard b.readCompactString() == "compact" else { #expect(b.readerIndex == start); break }
                let s2 = b.readerIndex
                guard b.readKafkaNullableString() == .some("classic") else { #expect(b.readerIndex == s2); break }
                let s3 = b.readerIndex
                guard b.readKafkaBytes() != nil else { #expect(b.readerIndex == s3); break }
                let s4 = b.readerIndex
                guard b.readCompactArray({ $0.readKafkaInteger(as: Int32.self) }) == [1, 2, 3] else { #expect(b.readerIndex == s4); break }
                let s5 = b.readerIndex
                guard b.readTaggedFields() == tagged else { #expect(b.readerIndex == s5); break }
                let s6 = b.readerIndex
                guard b.readKafkaUUID() != nil else { #expect(b.readerIndex == s6); break }
                complete = true
            } while false
            #expect(complete == (keep == full.readableBytes))
        }
    }

    @Test func orThrowTurnsAFailedReadIntoATypedError() throws {
        var buffer = ByteBuffer(hex: "00 02 68 69")
        #expect(try buffer.readKafkaString().orThrow("name") == "hi")
        #expect(throws: KafkaDecodingError.malformed(field: "name", reason: "short or malformed")) {
            try buffer.readKafkaString().orThrow("name")
        }
    }
}
