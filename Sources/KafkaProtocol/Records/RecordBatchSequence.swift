import NIOCore

/// One batch found in a buffer of concatenated batches, not yet decoded: the header and
/// a slice of the whole batch. Cheap enough to walk a segment or a Fetch response.
public struct RawRecordBatch: Hashable, Sendable {
    public let header: RecordBatchHeader
    /// The whole batch, header included (a slice, no copy).
    public let bytes: ByteBuffer
    /// Where the batch starts, counted from the reader index of the sequence's buffer.
    public let position: Int

    public var crcIsValid: Bool { RecordBatchHeader.crcIsValid(in: bytes, at: bytes.readerIndex) }

    public func decode(
        maxDecompressedBytes: Int = CompressionCodec.defaultMaxDecompressedBytes
    ) throws(RecordBatchError) -> RecordBatch {
        try RecordBatch.decode(bytes, at: bytes.readerIndex, maxDecompressedBytes: maxDecompressedBytes)
    }
}

/// The batches in the readable bytes of a buffer, in order, read by header only.
///
/// Iteration stops at the first batch that is not wholly there: Fetch responses may end
/// with a partial batch (the broker cuts at `max.bytes`) and a segment may end with a
/// torn write. It also stops at a batchLength too small to be a batch. Nothing here
/// checks the CRC or the magic; `RawRecordBatch.decode` does. `validPrefixLength` is
/// where iteration stopped, i.e. where a partial tail begins.
public struct RecordBatchSequence: Sequence, Sendable {
    public let buffer: ByteBuffer

    public init(_ buffer: ByteBuffer) { self.buffer = buffer }

    public struct Iterator: IteratorProtocol {
        let buffer: ByteBuffer
        /// Offset from the buffer's reader index of the next batch.
        public private(set) var position = 0

        public mutating func next() -> RawRecordBatch? {
            let index = buffer.readerIndex + position
            guard let header = RecordBatchHeader.peek(buffer, at: index),
                  header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
                  header.totalSize <= buffer.writerIndex - index,
                  let bytes = buffer.getSlice(at: index, length: header.totalSize)
            else { return nil }
            defer { position += header.totalSize }
            return RawRecordBatch(header: header, bytes: bytes, position: position)
        }
    }

    public func makeIterator() -> Iterator { Iterator(buffer: buffer) }

    /// Bytes covered by whole batches from the start; the rest is a partial tail.
    public var validPrefixLength: Int {
        var iterator = makeIterator()
        while iterator.next() != nil {}
        return iterator.position
    }
}

extension RecordBatchSequence {
    /// Calls `body` for every whole batch in `buffer`'s readable bytes and returns how many
    /// bytes they cover (the start of any partial trailing batch).
    @discardableResult
    public static func forEachBatch<E: Error>(
        in buffer: ByteBuffer, _ body: (RawRecordBatch) throws(E) -> Void
    ) throws(E) -> Int {
        var iterator = RecordBatchSequence(buffer).makeIterator()
        while let batch = iterator.next() { try body(batch) }
        return iterator.position
    }
}
