import NIOCore

/// Splits a connection's bytes into Kafka request frames: a 4-byte big-endian size, then
/// that many bytes (request header and body). Emits each frame without its size prefix,
/// as a zero-copy slice of what was read.
///
/// The size is checked as soon as its 4 bytes arrive, before waiting for the frame: a
/// negative size, or one above `socket.request.max.bytes`, is an error (Kafka's
/// `InvalidReceiveException`), so a bogus prefix (an HTTP request's "GET " reads as
/// 1195725856) never makes the server buffer or allocate the claimed size. A frame too
/// short to hold apiKey, apiVersion and correlationId (8 bytes) is an error too. The
/// connection handler closes the connection on either.
public struct KafkaFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// `socket.request.max.bytes`: Kafka's default, 100 MiB.
    public static let defaultMaxFrameSize = 104_857_600
    /// apiKey (int16), apiVersion (int16), correlationId (int32): every request header starts so.
    public static let minimumFrameSize = 8

    /// The largest frame accepted, in bytes, not counting the size prefix.
    public let maxFrameSize: Int

    public init(maxFrameSize: Int = KafkaFrameDecoder.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    /// Takes the next whole frame off the front of `buffer`, or returns nil (consuming
    /// nothing, reserving nothing) when it has not all arrived yet.
    public static func nextFrame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(KafkaFrameError) -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else { return nil }
        guard size >= 0, Int(size) <= maxFrameSize else { throw .sizeOutOfRange(size: size, limit: maxFrameSize) }
        guard Int(size) >= minimumFrameSize else { throw .tooShort(size: size) }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextFrame(from: &buffer, maxFrameSize: maxFrameSize) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A frame cut off by the peer closing is dropped: there is nobody left to answer.
        try decode(context: context, buffer: &buffer)
    }
}

/// Why a connection's bytes can't be Kafka request frames; the connection is closed.
public enum KafkaFrameError: Error, Equatable, CustomStringConvertible {
    /// The size prefix is negative or larger than `socket.request.max.bytes`.
    case sizeOutOfRange(size: Int32, limit: Int)
    /// The frame can't hold a request header's apiKey, apiVersion and correlationId.
    case tooShort(size: Int32)

    public var description: String {
        switch self {
        case .sizeOutOfRange(let size, let limit) where size < 0:
            "invalid request size \(size) (negative; limit socket.request.max.bytes = \(limit))"
        case .sizeOutOfRange(let size, let limit):
            "invalid request size \(size) (larger than socket.request.max.bytes = \(limit))"
        case .tooShort(let size):
            "invalid request size \(size) (shorter than a request header's \(KafkaFrameDecoder.minimumFrameSize) bytes)"
        }
    }

    /// The size the peer claimed.
    public var size: Int32 {
        switch self {
        case .sizeOutOfRange(let size, _), .tooShort(let size): size
        }
    }
}
