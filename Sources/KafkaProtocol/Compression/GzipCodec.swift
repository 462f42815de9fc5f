import CZlib
import NIOCore

/// gzip (codec 1): a standard gzip member, as `GZIPOutputStream` writes in Kafka's
/// `GzipCompression`. zlib's windowBits 15+16 selects the gzip wrapper when writing;
/// 15+32 auto-detects gzip or zlib when reading.
enum GzipCodec {
    /// Kafka's default `compression.gzip.level` (KIP-390) is zlib's default, 6.
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6) throws -> ByteBuffer {
        var strm = z_stream()
        guard czlib_deflate_init2(&strm, level, 15 + 16) == Z_OK else {
            throw CompressionError.compressionFailed(.gzip, reason: "deflateInit2 failed")
        }
        defer { deflateEnd(&strm) }
        let bound = Int(deflateBound(&strm, uLong(input.count)))
        var output = ByteBufferAllocator().buffer(capacity: bound)
        var status = Z_OK
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
            // zlib's next_in is not const; deflate never writes through it.
            strm.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            strm.avail_in = uInt(input.count)
            strm.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            strm.avail_out = uInt(bound)
            status = deflate(&strm, Z_FINISH)
            return bound - Int(strm.avail_out)
        }
        guard status == Z_STREAM_END else {
            throw CompressionError.compressionFailed(.gzip, reason: "deflate returned \(status)")
        }
        return output
    }

    static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> ByteBuffer {
        var strm = z_stream()
        guard czlib_inflate_init2(&strm, 15 + 32) == Z_OK else {
            throw CompressionError.corrupt(.gzip, reason: "inflateInit2 failed")
        }
        defer { inflateEnd(&strm) }
        strm.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        strm.avail_in = uInt(input.count)
        var output = BoundedOutput(codec: .gzip, limit: limit, expected: input.count * 4)
        while true {
            var status = Z_OK
            try output.write { out in
                strm.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                strm.avail_out = uInt(out.count)
                status = inflate(&strm, Z_NO_FLUSH)
                return out.count - Int(strm.avail_out)
            }
            switch status {
            case Z_STREAM_END:
                // GZIPInputStream reads concatenated members; so do we.
                guard strm.avail_in > 0 else { return output.buffer }
                guard inflateReset(&strm) == Z_OK else { throw CompressionError.corrupt(.gzip, reason: "inflateReset") }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible with room left: the input ended mid-stream.
                throw CompressionError.truncated(.gzip)
            default:
                let message = strm.msg.map { String(cString: $0) } ?? "inflate returned \(status)"
                throw CompressionError.corrupt(.gzip, reason: message)
            }
        }
    }
}
