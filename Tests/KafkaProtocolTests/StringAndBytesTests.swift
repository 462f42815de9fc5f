import NIOCore
import Testing

@testable import KafkaProtocol

@Suite struct StringAndBytesTests {
    @Test func stringHasInt16LengthAndNullableUsesMinusOne() {
        var buffer = ByteBuffer()
        #expect(buffer.writeKafkaString("héllo") == 2 + 6)
        buffer.writeKafkaNullableString(nil)
        buffer.writeKafkaString("")
        #expect(TestSupport.bytes(buffer).prefix(2) == [0, 6])
        #expect(buffer.readKafkaString() == "héllo")
        #expect(buffer.readKafkaNullableString() == .some(nil))
        #expect(buffer.readKafkaString() == "")
        #expect(buffer.readableBytes == 0)
    }

    @Test func nonNullableStringRefusesNullWithoutConsuming() {
        var buffer = ByteBuffer(hex: "ff ff")
        #expect(buffer.readKafkaString() == nil)
        #expect(buffer.readerIndex == 0)
    }

    @Test func stringWithNegativeOrOversizedLengthIsMalformed() {
        for hex in ["ff fe", "00 05 61 62", "00"] {
            var buffer = ByteBuffer(hex: hex)
            #expect(buffer.readKafkaNullableString() == nil)
            #expect(buffer.readerIndex == 0)
        }
    }

    @Test func compactStringUsesLengthPlusOneAndZeroForNull() {
        var buffer = ByteBuffer()
        buffer.writeCompactString("abc")
        buffer.writeCompactNullableString(nil)
        buffer.writeCompactString("")
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == "04 61 62 63 00 01")
        #expect(buffer.readCompactString() == "abc")
        #expect(buffer.readCompactString() == nil)  // null is not a COMPACT_STRING
        #expect(buffer.readCompactNullableString() == .some(nil))
        #expect(buffer.readCompactNullableString() == .some(""))
        #expect(buffer.readableBytes == 0)
    }

    @Test func compactStringLongerThanBufferIsRejected() {
        var buffer = ByteBuffer(hex: "05 61 62")
        #expect(buffer.readCompactNullableString() == nil)
        #expect(buffer.readerIndex == 0)
        var overlong = ByteBuffer(hex: "ff ff ff ff ff 01")
        #expect(overlong.readCompactString() == nil)
    }

    @Test func bytesHaveInt32LengthAndNullIsDistinctFromEmpty() {
        var buffer = ByteBuffer()
        buffer.writeKafkaBytes(ByteBuffer(bytes: [1, 2, 3]))
        buffer.writeKafkaNullableBytes(nil)
        buffer.writeKafkaBytes(ByteBuffer())
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == "00 00 00 03 01 02 03 ff ff ff ff 00 00 00 00")
        #expect(buffer.readKafkaBytes() == ByteBuffer(bytes: [1, 2, 3]))
        #expect(buffer.readKafkaBytes() == nil)  // null refused, not consumed
        #expect(buffer.readKafkaNullableBytes() == .some(nil))
        #expect(buffer.readKafkaNullableBytes() == .some(ByteBuffer()))
        #expect(buffer.readableBytes == 0)
    }

    @Test func compactBytesRoundTrip() {
        var buffer = ByteBuffer()
        buffer.writeCompactBytes(ByteBuffer(bytes: [9, 8]))
        buffer.writeCompactNullableBytes(nil)
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == "03 09 08 00")
        #expect(buffer.readCompactBytes() == ByteBuffer(bytes: [9, 8]))
        #expect(buffer.readCompactNullableBytes() == .some(nil))
    }

    @Test func bytesWithBadLengthAreRejectedWithoutConsuming() {
        for hex in ["ff ff ff fe", "00 00 00 09 01", "00 00"] {
            var buffer = ByteBuffer(hex: hex)
            #expect(buffer.readKafkaNullableBytes() == nil)
            #expect(buffer.readerIndex == 0)
        }
    }
}

@Suite struct ArrayTests {
    @Test func arrayRoundTripsWithInt32Count() {
        var buffer = ByteBuffer()
        let written = buffer.writeKafkaArray([Int32(7), -1]) { $0.writeKafkaInteger($1) }
        #expect(written == 12)
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == "00 00 00 02 00 00 00 07 ff ff ff ff")
        #expect(buffer.readKafkaArray { $0.readKafkaInteger(as: Int32.self) } == [7, -1])
    }

    @Test func nullableArraysDistinguishNullFromEmpty() {
        var buffer = ByteBuffer()
        buffer.writeKafkaNullableArray(nil as [String]?) { $0.writeKafkaString($1) }
        buffer.writeKafkaArray([String]()) { $0.writeKafkaString($1) }
        buffer.writeCompactNullableArray(nil as [String]?) { $0.writeCompactString($1) }
        buffer.writeCompactArray(["a", "bc"]) { $0.writeCompactString($1) }
        #expect(buffer.readKafkaArray { $0.readKafkaString() } == nil)  // null refused
        #expect(buffer.readKafkaNullableArray { $0.readKafkaString() } == .some(nil))
        #expect(buffer.readKafkaNullableArray { $0.readKafkaString() } == .some([]))
        #expect(buffer.readCompactNullableArray { $0.readCompactString() } == .some(nil))
        #expect(buffer.readCompactArray { $0.readCompactString() } == ["a", "bc"])
        #expect(buffer.readableBytes == 0)
    }

    @Test func badElementFailsTheWholeArrayAndRestoresTheIndex() {
        var buffer = ByteBuffer()
        buffer.writeKafkaArray(["ok"]) { $0.writeKafkaString($1) }
        buffer.writeInteger(Int16(-1))  // pretend there is a second, null, element
        buffer.setInteger(Int32(2), at: 0)
        #expect(buffer.readKafkaArray { $0.readKafkaString() } == nil)
        #expect(buffer.readerIndex == 0)
    }

    @Test func throwingElementReaderRestoresTheIndexAndRethrows() {
        struct Boom: Error {}
        var buffer = ByteBuffer()
        buffer.writeCompactArray([UInt8(1), 2]) { $0.writeInteger($1) }
        #expect(throws: Boom.self) {
            _ = try buffer.readCompactArray { (b: inout ByteBuffer) throws(Boom) -> UInt8? in
                if b.readInteger(as: UInt8.self) == 2 { throw Boom() }
                return 1
            }
        }
        #expect(buffer.readerIndex == 0)
    }

    @Test func countLargerThanRemainingBytesIsRejectedBeforeAllocating() {
        var buffer = ByteBuffer(hex: "7f ff ff ff 00")
        #expect(buffer.readKafkaArray { $0.readInteger(as: UInt8.self) } == nil)
        var negative = ByteBuffer(hex: "ff ff ff fe")
        #expect(negative.readKafkaNullableArray { $0.readInteger(as: UInt8.self) } == nil)
        var compact = ByteBuffer(hex: "ff ff ff ff 0f")
        #expect(compact.readCompactArray { $0.readInteger(as: UInt8.self) } == nil)
        #expect(compact.readerIndex == 0)
    }
}

@Suite struct TaggedFieldsAndUUIDTests {
    @Test func taggedFieldsAreWrittenSortedAndReadBack() {
        var tagged = TaggedFields()
        tagged[5] = ByteBuffer(bytes: [0xaa])
        tagged[0] = ByteBuffer(bytes: [1, 2])
        var buffer = ByteBuffer()
        buffer.writeTaggedFields(tagged)
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == "02 00 02 01 02 05 01 aa")
        #expect(buffer.readTaggedFields() == tagged)
        #expect(buffer.readableBytes == 0)
    }

    @Test func emptyTaggedFieldsAreOneZeroByte() {
        var buffer = ByteBuffer()
        #expect(buffer.writeTaggedFields(TaggedFields()) == 1)
        #expect(buffer.readTaggedFields()?.isEmpty == true)
    }

    @Test func malformedTaggedFieldsAreRejectedWithoutConsuming() {
        // Repeated tag; size past the end; count with no fields.
        for hex in ["02 01 00 01 00", "01 03 05 00", "03"] {
            var buffer = ByteBuffer(hex: hex)
            #expect(buffer.readTaggedFields() == nil)
            #expect(buffer.readerIndex == 0)
        }
    }

    @Test func uuidHasKafkasBase64URLForm() {
        let id = KafkaUUID(mostSignificantBits: 0x0123_4567_89ab_cdef, leastSignificantBits: 0x0123_4567_89ab_cdef)
        #expect(id.description == "ASNFZ4mrze8BI0VniavN7w")
        #expect(KafkaUUID("ASNFZ4mrze8BI0VniavN7w") == id)
        #expect(KafkaUUID.metadataTopicId.description == "AAAAAAAAAAAAAAAAAAAAAQ")
        #expect(KafkaUUID("-____________________w")?.bytes == [0xfb, 0xff] + [UInt8](repeating: 0xff, count: 14))
        #expect(KafkaUUID("too-short") == nil)
        #expect(KafkaUUID("ASNFZ4mrze8BI0VniavN7x") == nil)  // stray low bits in the last character
    }

    @Test func uuidIsSixteenBigEndianBytes() {
        let id = KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2)
        var buffer = ByteBuffer()
        #expect(buffer.writeKafkaUUID(id) == 16)
        #expect(TestSupport.bytes(buffer) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(buffer.getKafkaUUID(at: 0) == id)
        #expect(buffer.readKafkaUUID() == id)
        var short = ByteBuffer(bytes: [UInt8](repeating: 0, count: 15))
        #expect(short.readKafkaUUID() == nil)
        #expect(short.readerIndex == 0)
    }

    @Test func randomUUIDsAvoidReservedValuesAndLeadingDash() {
        for _ in 0..<200 {
            let id = KafkaUUID.random()
            #expect(id != .zero && id != .metadataTopicId)
            #expect(!id.description.hasPrefix("-"))
            #expect(KafkaUUID(id.description) == id)
        }
    }
}
