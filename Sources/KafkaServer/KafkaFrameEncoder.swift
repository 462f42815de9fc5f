import NIOCore

/// Frames outgoing responses: writes each one's 4-byte big-endian size, then the response
/// itself (header and body). The prefix goes out as its own small buffer, so a large
/// response (a Fetch) is never copied; the socket write gathers both.
public final class KafkaFrameEncoder: ChannelOutboundHandler, Sendable {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        guard let size = Int32(exactly: frame.readableBytes) else {
            promise?.fail(KafkaFrameEncoderError.responseTooLarge(size: frame.readableBytes))
            return
        }
        var prefix = context.channel.allocator.buffer(capacity: 4)
        prefix.writeInteger(size, endianness: .big)
        context.write(wrapOutboundOut(prefix), promise: nil)
        context.write(wrapOutboundOut(frame), promise: promise)
    }
}

/// A response that can't be framed.
public enum KafkaFrameEncoderError: Error, Equatable {
    /// Larger than a 4-byte size can say.
    case responseTooLarge(size: Int)
}
