/// Why compressing or decompressing a record batch's records section failed.
public enum CompressionError: Error, Hashable, Sendable {
    /// The compressed bytes are not a valid stream of this codec.
    case corrupt(CompressionCodec, reason: String)
    /// The compressed stream ends before its end marker (e.g. an LZ4 frame cut short).
    case truncated(CompressionCodec)
    /// The output would be larger than the caller's `maxDecompressedBytes`: a
    /// decompression bomb, or a batch larger than the broker accepts. Thrown before the
    /// oversized output is allocated.
    case exceedsLimit(CompressionCodec, limit: Int)
    /// The library refused to compress (should not happen with valid arguments).
    case compressionFailed(CompressionCodec, reason: String)
}
