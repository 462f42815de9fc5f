import CZstd
import NIOCore

/// zstd (codec 4, KIP-110): a standard zstd frame (magic `28 B5 2F FD`).
/// Java's `ZstdOutputStream` writes frames without a content size, so reading has a
/// streaming path; frames that do state their size are decoded in one shot after the
/// size is checked against the limit.
enum ZstdCodec {
    /// librdkafka's and zstd's default level; Kafka's `compression.zstd.level` default.
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3) throws -> ByteBuffer {
        let bound = ZSTD_compressBound(input.count)
        var output = ByteBufferAllocator().buffer(capacity: bound)
        var result = 0
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
            result = ZSTD_compress(out.baseAddress, bound, input.baseAddress, input.count, level)
            return ZSTD_isError(result) != 0 ? 0 : result
        }
        guard ZSTD_isError(result) == 0 else {
            throw CompressionError.compressionFailed(.zstd, reason: String(cString: ZSTD_getErrorName(result)))
        }
        return output
    }

    static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> ByteBuffer {
        guard let src = input.baseAddress, input.count > 0 else { throw CompressionError.truncated(.zstd) }
        let contentSize = ZSTD_getFrameContentSize(src, input.count)
        if contentSize == czstd_contentsize_error() {
            throw CompressionError.corrupt(.zstd, reason: "not a zstd frame")
        }
        if contentSize != czstd_contentsize_unknown(), ZSTD_findFrameCompressedSize(src, input.count) == input.count {
            guard contentSize <= UInt64(max(limit, 0)) else { throw CompressionError.exceedsLimit(.zstd, limit: limit) }
            var output = BoundedOutput(codec: .zstd, limit: limit, expected: 0)
            var result = 0
            try output.writeExactly(Int(contentSize)) { out in
                result = ZSTD_decompress(out.baseAddress, out.count, src, input.count)
                return ZSTD_isError(result) != 0 ? 0 : result
            }
            if ZSTD_isError(result) != 0 {
                throw CompressionError.corrupt(.zstd, reason: String(cString: ZSTD_getErrorName(result)))
            }
            guard result == Int(contentSize) else { throw CompressionError.corrupt(.zstd, reason: "content size mismatch") }
            return output.buffer
        }
        return try decompressStreaming(input, limit: limit)
    }

    private static func decompressStreaming(_ input: UnsafeRawBufferPointer, limit: Int) throws -> ByteBuffer {
        guard let stream = ZSTD_createDStream() else { throw CompressionError.corrupt(.zstd, reason: "cannot create stream") }
        defer { ZSTD_freeDStream(stream) }
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var output = BoundedOutput(codec: .zstd, limit: limit, expected: input.count * 4)
        // ZSTD_decompressStream returns 0 when a frame is complete and fully flushed.
        var hint = 1
        while inBuffer.pos < inBuffer.size || hint != 0 {
            var produced = 0
            let before = inBuffer.pos
            try output.write { out in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                hint = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                produced = outBuffer.pos
                return ZSTD_isError(hint) != 0 ? 0 : outBuffer.pos
            }
            if ZSTD_isError(hint) != 0 {
                throw CompressionError.corrupt(.zstd, reason: String(cString: ZSTD_getErrorName(hint)))
            }
            if produced == 0 && before == inBuffer.pos {
                // No progress with room to write: the frame is cut short (all input used)
                // or the decoder is stuck.
                if inBuffer.pos == inBuffer.size { throw CompressionError.truncated(.zstd) }
                throw CompressionError.corrupt(.zstd, reason: "no progress at byte \(inBuffer.pos)")
            }
        }
        return output.buffer
    }
}
