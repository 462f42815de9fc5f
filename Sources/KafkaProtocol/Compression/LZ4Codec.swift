import CLZ4
import NIOCore

/// lz4 (codec 3): the LZ4 *frame* format (magic `04 22 4D 18`), not raw blocks.
/// Kafka's `Lz4BlockOutputStream` writes 64 KiB independent blocks without content size;
/// its reader rejects dependent blocks ("Dependent block stream is unsupported"), so we
/// write the same shape.
enum LZ4Codec {
    static func compress(_ input: UnsafeRawBufferPointer) throws -> ByteBuffer {
        var prefs = LZ4F_preferences_t()  // zero = library defaults
        prefs.frameInfo.blockSizeID = LZ4F_max64KB
        prefs.frameInfo.blockMode = LZ4F_blockIndependent
        let bound = LZ4F_compressFrameBound(input.count, &prefs)
        var output = ByteBufferAllocator().buffer(capacity: bound)
        var result = 0
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
            result = LZ4F_compressFrame(out.baseAddress, bound, input.baseAddress, input.count, &prefs)
            return LZ4F_isError(result) != 0 ? 0 : result
        }
        guard LZ4F_isError(result) == 0 else {
            throw CompressionError.compressionFailed(.lz4, reason: String(cString: LZ4F_getErrorName(result)))
        }
        return output
    }

    static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> ByteBuffer {
        var dctx: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&dctx, clz4_frame_version())) == 0, let dctx else {
            throw CompressionError.corrupt(.lz4, reason: "cannot create decompression context")
        }
        defer { LZ4F_freeDecompressionContext(dctx) }
        guard input.count > 0 else { throw CompressionError.truncated(.lz4) }
        var output = BoundedOutput(codec: .lz4, limit: limit, expected: input.count * 3)
        var consumed = 0
        // LZ4F_decompress's return value is a hint of how many more input bytes the frame
        // needs; 0 means the frame is complete. A truncated frame is *not* an error to
        // LZ4F: it just leaves a non-zero hint after the input runs out.
        var hint = 1
        while consumed < input.count || hint != 0 {
            var produced = 0
            var read = 0
            try output.write { out in
                var dstSize = out.count
                var srcSize = input.count - consumed
                hint = LZ4F_decompress(dctx, out.baseAddress, &dstSize, input.baseAddress.map { $0 + consumed }, &srcSize, nil)
                produced = dstSize
                read = srcSize
                return LZ4F_isError(hint) != 0 ? 0 : dstSize
            }
            if LZ4F_isError(hint) != 0 {
                throw CompressionError.corrupt(.lz4, reason: String(cString: LZ4F_getErrorName(hint)))
            }
            consumed += read
            if read == 0 && produced == 0 {
                // No progress with room to write: the input ran out before the end mark,
                // or the library is stuck on bytes it will not take.
                if consumed == input.count { throw CompressionError.truncated(.lz4) }
                throw CompressionError.corrupt(.lz4, reason: "no progress at byte \(consumed)")
            }
        }
        return output.buffer
    }
}
