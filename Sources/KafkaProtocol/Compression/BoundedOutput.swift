import NIOCore

/// Output of a streaming decompressor that may never grow past a limit.
///
/// Each step offers the decoder at most `limit + 1 - produced` bytes of room, so a stream
/// that tries to exceed the limit is caught after at most one byte too many, and the
/// buffer grows geometrically with what was really produced, never with what a header
/// claims.
struct BoundedOutput {
    let codec: CompressionCodec
    let limit: Int
    private(set) var buffer: ByteBuffer
    private static let initialChunk = 64 * 1024

    init(codec: CompressionCodec, limit: Int, expected: Int) {
        self.codec = codec
        self.limit = min(max(0, limit), Int.max / 2)  // keeps limit + 1 from overflowing
        buffer = ByteBufferAllocator().buffer(capacity: min(max(expected, 0), self.limit) + 1)
    }

    var produced: Int { buffer.writerIndex }

    /// Calls `body` with writable room and its size; `body` returns the bytes it wrote.
    /// Throws `exceedsLimit` once more than `limit` bytes have been written.
    mutating func write(_ body: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        let room = min(max(produced, Self.initialChunk), limit + 1 - produced)
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[0..<room]))
        }
        if produced > limit { throw CompressionError.exceedsLimit(codec, limit: limit) }
    }

    /// Reserves exactly `count` bytes, checked against the limit before allocating:
    /// for codecs whose header states the decompressed size (snappy, zstd).
    mutating func writeExactly(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        guard count >= 0, count <= limit - produced else {
            throw CompressionError.exceedsLimit(codec, limit: limit)
        }
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[0..<count]))
        }
    }
}
