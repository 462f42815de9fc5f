import CSnappy
import NIOCore

/// snappy (codec 2). Java Kafka writes snappy-java's xerial stream (`SnappyOutputStream`):
///
///     82 53 4E 41 50 50 59 00   magic "\x82SNAPPY\0"
///     00 00 00 01               version 1
///     00 00 00 01               compatible version 1
///     [int32 BE length][raw snappy block] ...   blocks of up to 32 KiB uncompressed
///
/// librdkafka sends a single raw snappy block instead, so reading accepts both.
enum SnappyCodec {
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let xerialHeaderSize = 16
    /// snappy-java's `SnappyOutputStream` default block size.
    static let xerialBlockSize = 32 * 1024

    static func compress(_ input: UnsafeRawBufferPointer) throws -> ByteBuffer {
        let blocks = (input.count + xerialBlockSize - 1) / xerialBlockSize
        var output = ByteBufferAllocator().buffer(
            capacity: xerialHeaderSize + blocks * (4 + snappy_max_compressed_length(xerialBlockSize)))
        output.writeBytes(xerialMagic)
        output.writeInteger(Int32(1), endianness: .big)
        output.writeInteger(Int32(1), endianness: .big)
        var offset = 0
        while offset < input.count {
            let block = UnsafeRawBufferPointer(rebasing: input[offset..<min(offset + xerialBlockSize, input.count)])
            let lengthIndex = output.writerIndex
            output.writeInteger(Int32(0), endianness: .big)
            let maxLength = snappy_max_compressed_length(block.count)
            var status = SNAPPY_OK
            let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: maxLength) { out in
                var length = maxLength
                status = snappy_compress(
                    block.baseAddress!.assumingMemoryBound(to: CChar.self), block.count,
                    out.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
                return status == SNAPPY_OK ? length : 0
            }
            guard status == SNAPPY_OK else {
                throw CompressionError.compressionFailed(.snappy, reason: "snappy_compress returned \(status)")
            }
            output.setInteger(Int32(written), at: lengthIndex, endianness: .big)
            offset += block.count
        }
        return output
    }

    static func isXerial(_ input: UnsafeRawBufferPointer) -> Bool {
        input.count >= xerialHeaderSize && input.prefix(8).elementsEqual(xerialMagic)
    }

    static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> ByteBuffer {
        var output = BoundedOutput(codec: .snappy, limit: limit, expected: 0)
        guard isXerial(input) else {
            try decompressBlock(input, into: &output)
            return output.buffer
        }
        var offset = xerialHeaderSize
        while offset < input.count {
            guard input.count - offset >= 4 else { throw CompressionError.truncated(.snappy) }
            let length = input[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard length <= input.count - offset else { throw CompressionError.truncated(.snappy) }
            try decompressBlock(UnsafeRawBufferPointer(rebasing: input[offset..<offset + length]), into: &output)
            offset += length
        }
        return output.buffer
    }

    /// One raw snappy block. Its varint header states the uncompressed size, which is
    /// checked against the limit before anything is allocated.
    private static func decompressBlock(_ block: UnsafeRawBufferPointer, into output: inout BoundedOutput) throws {
        guard let base = block.baseAddress?.assumingMemoryBound(to: CChar.self) else {
            throw CompressionError.corrupt(.snappy, reason: "empty block")
        }
        var length = 0
        guard snappy_uncompressed_length(base, block.count, &length) == SNAPPY_OK else {
            throw CompressionError.corrupt(.snappy, reason: "bad length header")
        }
        var status = SNAPPY_OK
        var produced = length
        try output.writeExactly(length) { out in
            status = snappy_uncompress(base, block.count, out.baseAddress?.assumingMemoryBound(to: CChar.self), &produced)
            return status == SNAPPY_OK && produced == length ? length : 0
        }
        guard status == SNAPPY_OK, produced == length else {
            throw CompressionError.corrupt(.snappy, reason: "snappy_uncompress returned \(status)")
        }
    }
}
