import CZstd
import NIOCore
import Testing

@testable import KafkaProtocol

@Suite struct CompressionTests {
    static let codecs: [CompressionCodec] = [.gzip, .snappy, .lz4, .zstd]
    static let sizes = [0, 1, 100, 65_537, 1 << 20]
    static let oneMiB = 1 << 20

    @Test(arguments: codecs, sizes)
    func roundTrips(codec: CompressionCodec, size: Int) throws {
        let input = ByteBuffer(bytes: TestSupport.sampleBytes(size))
        let compressed = try codec.compress(input)
        let output = try codec.decompress(compressed, maxDecompressedBytes: size)
        #expect(output == input)
        if size == 1 << 20 { #expect(compressed.readableBytes < size) }
    }

    @Test func noneCopiesAndStillEnforcesTheLimit() throws {
        let input = ByteBuffer(bytes: [1, 2, 3])
        #expect(try CompressionCodec.none.compress(input) == input)
        #expect(try CompressionCodec.none.decompress(input, maxDecompressedBytes: 3) == input)
        #expect(throws: CompressionError.exceedsLimit(.none, limit: 2)) {
            try CompressionCodec.none.decompress(input, maxDecompressedBytes: 2)
        }
    }

    @Test(arguments: [
        (CompressionCodec.gzip, [UInt8]([0x1f, 0x8b])),
        (.lz4, [0x04, 0x22, 0x4d, 0x18]),
        (.zstd, [0x28, 0xb5, 0x2f, 0xfd]),
        (.snappy, [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]),
    ])
    func compressedStreamsStartWithTheirMagic(codec: CompressionCodec, magic: [UInt8]) throws {
        let compressed = try codec.compress(ByteBuffer(string: "hello, kafka"))
        #expect(Array(TestSupport.bytes(compressed).prefix(magic.count)) == magic)
    }

    @Test func lz4FramesUseIndependent64KiBBlocksAsKafkaRequires() throws {
        let compressed = TestSupport.bytes(try CompressionCodec.lz4.compress(ByteBuffer(string: "x")))
        let flg = compressed[4]
        let bd = compressed[5]
        #expect(flg & 0x20 != 0, "block independence flag")
        #expect(flg & 0x08 == 0, "no content size")
        #expect((bd >> 4) & 0x7 == 4, "64 KiB block max size")
    }

    @Test func snappyXerialSplitsInto32KiBBlocks() throws {
        let input = ByteBuffer(bytes: TestSupport.sampleBytes(100_000))
        var compressed = try CompressionCodec.snappy.compress(input)
        compressed.moveReaderIndex(forwardBy: 16)
        var blocks = 0
        while let length = compressed.readInteger(endianness: .big, as: Int32.self) {
            compressed.moveReaderIndex(forwardBy: Int(length))
            blocks += 1
        }
        #expect(blocks == 4)  // 3 × 32 KiB + 1696 bytes
        #expect(compressed.readableBytes == 0)
    }

    @Test func rawSnappyAsLibrdkafkaSendsItIsRead() throws {
        // Hand-made raw block: uncompressed length 5, one literal of 5 bytes (tag (5-1)<<2).
        let handMade = ByteBuffer(bytes: [0x05, 0x10] + Array("hello".utf8))
        #expect(try CompressionCodec.snappy.decompress(handMade, maxDecompressedBytes: 100) == ByteBuffer(string: "hello"))
        // A library-made raw block: the single block of a small xerial stream.
        let input = ByteBuffer(bytes: TestSupport.sampleBytes(20_000))
        var xerial = try CompressionCodec.snappy.compress(input)
        xerial.moveReaderIndex(forwardBy: 16)
        let length = xerial.readInteger(endianness: .big, as: Int32.self)!
        let raw = xerial.readSlice(length: Int(length))!
        #expect(xerial.readableBytes == 0)
        #expect(try CompressionCodec.snappy.decompress(raw, maxDecompressedBytes: 20_000) == input)
    }

    /// `GZIPInputStream` reads concatenated gzip members as one stream; so do we.
    @Test func concatenatedGzipMembersAreReadAsOneStream() throws {
        var both = try CompressionCodec.gzip.compress(ByteBuffer(string: "first "))
        var second = try CompressionCodec.gzip.compress(ByteBuffer(string: "second"))
        both.writeBuffer(&second)
        #expect(try CompressionCodec.gzip.decompress(both, maxDecompressedBytes: 100) == ByteBuffer(string: "first second"))
    }

    @Test(arguments: codecs)
    func truncatedStreamsThrow(codec: CompressionCodec) throws {
        let compressed = try codec.compress(ByteBuffer(bytes: TestSupport.sampleBytes(100_000)))
        for keep in [0, 1, 10, compressed.readableBytes / 2, compressed.readableBytes - 1] {
            let cut = compressed.getSlice(at: compressed.readerIndex, length: keep)!
            #expect(throws: CompressionError.self, "kept \(keep) bytes") {
                try codec.decompress(cut, maxDecompressedBytes: 1 << 20)
            }
        }
    }

    @Test(arguments: codecs)
    func garbageThrows(codec: CompressionCodec) {
        let garbage = ByteBuffer(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        #expect(throws: CompressionError.self) { try codec.decompress(garbage, maxDecompressedBytes: 1 << 20) }
    }

    @Test func corruptedGzipAndLZ4HeaderAreDetected() throws {
        var gzip = try CompressionCodec.gzip.compress(ByteBuffer(bytes: TestSupport.sampleBytes(10_000)))
        // Flip a byte of the trailer's CRC-32: zlib checks it.
        let at = gzip.writerIndex - 6
        gzip.setInteger(gzip.getInteger(at: at, as: UInt8.self)! ^ 0xff, at: at)
        #expect(throws: CompressionError.self) { try CompressionCodec.gzip.decompress(gzip, maxDecompressedBytes: 1 << 20) }
        var lz4 = try CompressionCodec.lz4.compress(ByteBuffer(bytes: TestSupport.sampleBytes(10_000)))
        lz4.setInteger(lz4.getInteger(at: 6, as: UInt8.self)! ^ 0x5a, at: 6)  // header checksum byte
        #expect(throws: CompressionError.self) { try CompressionCodec.lz4.decompress(lz4, maxDecompressedBytes: 1 << 20) }
    }

    /// 64 MiB of zeros compresses to a few KiB; decompressing it with a 1 MiB limit must
    /// stop near the limit instead of producing (and allocating) 64 MiB.
    @Test(arguments: codecs)
    func boundedDecompressionRefusesABomb(codec: CompressionCodec) throws {
        let zeros = ByteBuffer(repeating: 0, count: 64 << 20)
        let bomb = try codec.compress(zeros)
        #expect(bomb.readableBytes < 4 << 20)
        #expect(throws: CompressionError.exceedsLimit(codec, limit: Self.oneMiB)) {
            try codec.decompress(bomb, maxDecompressedBytes: Self.oneMiB)
        }
    }

    @Test func snappyBlockClaiming2GiBIsRefusedBeforeAllocating() {
        // Raw block header: varint uncompressed length 2^31, then a few bytes.
        let claim = ByteBuffer(bytes: [0x80, 0x80, 0x80, 0x80, 0x08, 0x00, 0x00])
        #expect(throws: CompressionError.exceedsLimit(.snappy, limit: Self.oneMiB)) {
            try CompressionCodec.snappy.decompress(claim, maxDecompressedBytes: Self.oneMiB)
        }
        var xerial = ByteBuffer(bytes: SnappyCodec.xerialMagic + [0, 0, 0, 1, 0, 0, 0, 1])
        xerial.writeInteger(Int32(claim.readableBytes), endianness: .big)
        xerial.writeImmutableBuffer(claim)
        #expect(throws: CompressionError.exceedsLimit(.snappy, limit: Self.oneMiB)) {
            try CompressionCodec.snappy.decompress(xerial, maxDecompressedBytes: Self.oneMiB)
        }
    }

    /// Java's `ZstdOutputStream` writes frames without a content size; those take the
    /// streaming path, which must round-trip, stay bounded, and detect truncation.
    @Test func zstdFramesWithoutContentSizeUseTheStreamingPath() throws {
        let input = TestSupport.sampleBytes(300_000)
        let frame = try Self.zstdStreamCompress(input)
        #expect(ZSTD_getFrameContentSize(frame, frame.count) == czstd_contentsize_unknown())
        let buffer = ByteBuffer(bytes: frame)
        #expect(try CompressionCodec.zstd.decompress(buffer, maxDecompressedBytes: input.count) == ByteBuffer(bytes: input))
        #expect(throws: CompressionError.exceedsLimit(.zstd, limit: 100_000)) {
            try CompressionCodec.zstd.decompress(buffer, maxDecompressedBytes: 100_000)
        }
        #expect(throws: CompressionError.truncated(.zstd)) {
            try CompressionCodec.zstd.decompress(ByteBuffer(bytes: frame.dropLast(3)), maxDecompressedBytes: 1 << 20)
        }
    }

    static func zstdStreamCompress(_ input: [UInt8]) throws -> [UInt8] {
        let stream = ZSTD_createCStream()
        defer { ZSTD_freeCStream(stream) }
        ZSTD_initCStream(stream, 3)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count) + 1024)
        let written = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                var inBuffer = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                _ = ZSTD_compressStream(stream, &outBuffer, &inBuffer)
                _ = ZSTD_endStream(stream, &outBuffer)
                return outBuffer.pos
            }
        }
        return Array(output.prefix(written))
    }
}
