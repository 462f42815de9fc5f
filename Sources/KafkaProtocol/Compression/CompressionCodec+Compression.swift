import NIOCore

/// Compression of a record batch's records section (everything after recordsCount),
/// codec by codec as Kafka's `common/compress/*Compression.java` writes and reads it.
extension CompressionCodec {
    /// Decompressed bytes a batch may expand to when the caller does not say: 64 MiB,
    /// well above Kafka's `max.message.bytes` default (1 MiB) and compression ratios of
    /// real batches, far below what a decompression bomb asks for. Brokers should pass
    /// their own limit.
    public static let defaultMaxDecompressedBytes = 64 * 1024 * 1024

    /// Compresses the readable bytes of `input` (not consumed). `.none` returns a copy.
    /// Throws `CompressionError`.
    public func compress(_ input: ByteBuffer) throws -> ByteBuffer {
        try input.withUnsafeReadableBytes { raw in
            switch self {
            case .none: return ByteBuffer(bytes: raw)
            case .gzip: return try GzipCodec.compress(raw)
            case .snappy: return try SnappyCodec.compress(raw)
            case .lz4: return try LZ4Codec.compress(raw)
            case .zstd: return try ZstdCodec.compress(raw)
            }
        }
    }

    /// Decompresses the readable bytes of `input` (not consumed), refusing to produce more
    /// than `maxDecompressedBytes`. Throws `CompressionError`.
    public func decompress(_ input: ByteBuffer, maxDecompressedBytes: Int) throws -> ByteBuffer {
        try input.withUnsafeReadableBytes { raw in
            switch self {
            case .none:
                guard raw.count <= maxDecompressedBytes else {
                    throw CompressionError.exceedsLimit(self, limit: maxDecompressedBytes)
                }
                return ByteBuffer(bytes: raw)
            case .gzip: return try GzipCodec.decompress(raw, limit: maxDecompressedBytes)
            case .snappy: return try SnappyCodec.decompress(raw, limit: maxDecompressedBytes)
            case .lz4: return try LZ4Codec.decompress(raw, limit: maxDecompressedBytes)
            case .zstd: return try ZstdCodec.decompress(raw, limit: maxDecompressedBytes)
            }
        }
    }
}
