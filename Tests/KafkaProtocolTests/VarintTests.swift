import NIOCore
import Testing

@testable import KafkaProtocol

@Suite struct VarintTests {
    /// Known encodings from Kafka's `ByteUtilsTest` and the ZigZag definition.
    @Test(arguments: [
        (Int32(0), "00"), (1, "02"), (-1, "01"), (63, "7e"), (-64, "7f"), (64, "80 01"),
        (Int32.max, "fe ff ff ff 0f"), (Int32.min, "ff ff ff ff 0f"),
    ])
    func varintEncodesToKnownBytes(value: Int32, hex: String) {
        var buffer = ByteBuffer()
        let written = buffer.writeVarint(value)
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == hex)
        #expect(written == ByteBuffer.varintSize(value))
        #expect(buffer.readVarint() == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [
        (Int64(0), "00"), (1, "02"), (-1, "01"),
        (Int64(Int32.max), "fe ff ff ff 0f"),
        (Int64.max, "fe ff ff ff ff ff ff ff ff 01"), (Int64.min, "ff ff ff ff ff ff ff ff ff 01"),
    ])
    func varlongEncodesToKnownBytes(value: Int64, hex: String) {
        var buffer = ByteBuffer()
        let written = buffer.writeVarlong(value)
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == hex)
        #expect(written == ByteBuffer.varlongSize(value))
        #expect(buffer.readVarlong() == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [(UInt32(0), "00"), (1, "01"), (127, "7f"), (128, "80 01"), (300, "ac 02"), (UInt32.max, "ff ff ff ff 0f")])
    func unsignedVarintEncodesToKnownBytes(value: UInt32, hex: String) {
        var buffer = ByteBuffer()
        buffer.writeUnsignedVarint(value)
        #expect(TestSupport.hex(TestSupport.bytes(buffer)) == hex)
        #expect(buffer.getUnsignedVarint(at: buffer.readerIndex)?.length == buffer.readableBytes)
        #expect(buffer.readUnsignedVarint() == value)
    }

    @Test func varintRoundTripsAcrossTheRange() {
        var values: [Int32] = [0, 1, -1, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1]
        for shift in 0..<31 { values += [1 << shift, -(1 << shift), (1 << shift) - 1] }
        var buffer = ByteBuffer()
        for v in values { buffer.writeVarint(v) }
        for v in values { #expect(buffer.readVarint() == v) }
        #expect(buffer.readableBytes == 0)
    }

    @Test func varlongRoundTripsAcrossTheRange() {
        var values: [Int64] = [0, 1, -1, Int64.max, Int64.min]
        for shift in 0..<63 { values += [1 << shift, -(1 << shift), (1 << shift) - 1] }
        var buffer = ByteBuffer()
        for v in values { buffer.writeVarlong(v) }
        for v in values { #expect(buffer.readVarlong() == v) }
        #expect(buffer.readableBytes == 0)
    }

    @Test func overLongVarintIsRejectedWithoutConsuming() {
        // Six bytes with the continuation bit set on the first five: longer than int32 allows.
        var buffer = ByteBuffer(hex: "ff ff ff ff ff 01")
        #expect(buffer.readVarint() == nil)
        #expect(buffer.readUnsignedVarint() == nil)
        #expect(buffer.readerIndex == 0)
        // The same bytes are a valid 6-byte varlong.
        #expect(buffer.readVarlong() != nil)
    }

    @Test func overLongVarlongIsRejectedWithoutConsuming() {
        var buffer = ByteBuffer(hex: "ff ff ff ff ff ff ff ff ff ff 01")
        #expect(buffer.readVarlong() == nil)
        #expect(buffer.readerIndex == 0)
    }

    @Test func truncatedVarintReturnsNilWithoutConsuming() {
        for hex in ["", "80", "ff ff", "ff ff ff ff"] {
            var buffer = ByteBuffer(hex: hex)
            #expect(buffer.readVarint() == nil)
            #expect(buffer.readVarlong() == nil)
            #expect(buffer.readUnsignedVarint() == nil)
            #expect(buffer.readerIndex == 0)
        }
    }

    @Test func getVarintPeeksWithoutMoving() {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(9))
        buffer.writeVarint(-300)
        let peeked = buffer.getVarint(at: 1)
        #expect(peeked?.value == -300)
        #expect(peeked?.length == 2)
        #expect(buffer.readerIndex == 0)
    }

    @Test func fixedWidthHelpersAreBigEndian() {
        var buffer = ByteBuffer()
        buffer.writeKafkaInteger(Int32(0x0102_0304))
        buffer.writeKafkaBool(true)
        buffer.writeKafkaFloat64(1.5)
        #expect(TestSupport.bytes(buffer).prefix(5) == [1, 2, 3, 4, 1])
        #expect(buffer.readKafkaInteger(as: Int32.self) == 0x0102_0304)
        #expect(buffer.readKafkaBool() == true)
        #expect(buffer.readKafkaFloat64() == 1.5)
        #expect(buffer.readKafkaInteger(as: Int8.self) == nil)
    }
}
