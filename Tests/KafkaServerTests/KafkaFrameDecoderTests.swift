import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import KafkaServer

/// Framing of requests: a 4-byte big-endian size, then the frame; bounded by
/// socket.request.max.bytes.
@Suite struct KafkaFrameDecoderTests {
    static func frame(size: Int, fill: UInt8 = 0x2A) -> ByteBuffer {
        ByteBuffer(repeating: fill, count: size)
    }

    static func framed(_ frames: [ByteBuffer]) -> ByteBuffer {
        var bytes = ByteBuffer()
        for frame in frames { bytes.writeFrame(frame) }
        return bytes
    }

    @Test func decodesFramesFedByteByByteAllAtOnceAndShuffled() throws {
        let frames = [8, 9, 64, 300, 2_000].enumerated().map { Self.frame(size: $1, fill: UInt8($0 + 1)) }
        let pairs = frames.map { (Self.framed([$0]), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { KafkaFrameDecoder() }
    }

    @Test func decodesAFrameSplitAcrossReadsAtEveryPoint() throws {
        let frame = request(.echo, correlationId: 7, payload: "hello")
        let bytes = Self.framed([frame])
        for split in 1..<bytes.readableBytes {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(KafkaFrameDecoder()))
            try channel.writeInbound(bytes.getSlice(at: 0, length: split)!)
            #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
            try channel.writeInbound(bytes.getSlice(at: split, length: bytes.readableBytes - split)!)
            #expect(try channel.readInbound(as: ByteBuffer.self) == frame)
            #expect(try channel.finish().isClean)
        }
    }

    @Test func decodesManyFramesFromOneRead() throws {
        let frames = (0..<500).map { request(.echo, correlationId: Int32($0), payload: String(repeating: "x", count: $0 % 37)) }
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(KafkaFrameDecoder()))
        try channel.writeInbound(Self.framed(frames))
        for frame in frames {
            #expect(try channel.readInbound(as: ByteBuffer.self) == frame)
        }
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func acceptsAFrameOfExactlyTheLimit() throws {
        var bytes = Self.framed([Self.frame(size: 64)])
        let frame = try KafkaFrameDecoder.nextFrame(from: &bytes, maxFrameSize: 64)
        #expect(frame == Self.frame(size: 64))
        #expect(bytes.readableBytes == 0)
    }

    @Test(arguments: [
        (Int32(65), KafkaFrameError.sizeOutOfRange(size: 65, limit: 64)),
        (Int32.max, KafkaFrameError.sizeOutOfRange(size: .max, limit: 64)),
        (Int32(-1), KafkaFrameError.sizeOutOfRange(size: -1, limit: 64)),
        (Int32.min, KafkaFrameError.sizeOutOfRange(size: .min, limit: 64)),
        (Int32(0), KafkaFrameError.tooShort(size: 0)),
        (Int32(7), KafkaFrameError.tooShort(size: 7)),
    ])
    func rejectsABadSizeAsSoonAsItsFourBytesArrive(size: Int32, expected: KafkaFrameError) throws {
        var bytes = ByteBuffer()
        bytes.writeInteger(size)
        let capacity = bytes.capacity
        #expect(throws: expected) { try KafkaFrameDecoder.nextFrame(from: &bytes, maxFrameSize: 64) }
        #expect(bytes.readerIndex == 0)
        #expect(bytes.capacity == capacity)
    }

    @Test func rejectsAnOversizedFrameInThePipeline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: 1_024)))
        var bytes = ByteBuffer()
        bytes.writeInteger(Int32(1_025))
        #expect(throws: KafkaFrameError.sizeOutOfRange(size: 1_025, limit: 1_024)) { try channel.writeInbound(bytes) }
        _ = try? channel.finish()
    }

    /// A legal but huge claimed size waits for the bytes to arrive; nothing is reserved for
    /// them up front, so a client can't make the server allocate by lying about the size.
    @Test func doesNotAllocateTheClaimedSize() throws {
        var bytes = ByteBuffer()
        bytes.writeInteger(Int32(KafkaFrameDecoder.defaultMaxFrameSize))
        bytes.writeBytes([UInt8](repeating: 1, count: 100))
        let capacity = bytes.capacity
        let frame = try KafkaFrameDecoder.nextFrame(from: &bytes, maxFrameSize: KafkaFrameDecoder.defaultMaxFrameSize)
        #expect(frame == nil)
        #expect(bytes.readerIndex == 0)
        #expect(bytes.capacity == capacity)
        #expect(capacity < 4_096)
    }

    /// The prefix is its own 4-byte write; the response goes out as the same buffer, not copied.
    @Test func encoderWritesTheSizePrefixThenTheResponseAsIs() throws {
        let channel = EmbeddedChannel(handler: KafkaFrameEncoder())
        let response = Self.frame(size: 300)
        try channel.writeOutbound(response)
        var parts: [ByteBuffer] = []
        while let part = try channel.readOutbound(as: ByteBuffer.self) { parts.append(part) }
        var prefix = ByteBuffer()
        prefix.writeInteger(Int32(300))
        #expect(parts == [prefix, response])
        #expect(try channel.finish().isClean)
    }
}
