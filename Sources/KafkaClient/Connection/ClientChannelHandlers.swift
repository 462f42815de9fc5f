import NIOCore

/// Splits the inbound byte stream into response frames: a 4-byte big-endian size, then
/// that many bytes (the response header and body). A size above `maxFrameSize` or below
/// the 4-byte correlation id is a protocol error and closes the connection.
struct ResponseFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let maxFrameSize: Int

    struct FrameSizeError: Error, CustomStringConvertible {
        let size: Int32
        var description: String { "response frame size \(size) out of range" }
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 4, Int(size) <= maxFrameSize else { throw FrameSizeError(size: size) }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: Int(size))!))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// One request on its way out: the frame (header and body, no size prefix) and, unless the
/// request gets no answer (Produce with acks=0), the promise its response frame completes.
struct OutboundRequest: Sendable {
    var correlationId: Int32
    var frame: ByteBuffer
    var response: EventLoopPromise<ByteBuffer>?
    var apiName: String
    var timeout: TimeAmount
}

/// Matches response frames to in-flight requests by correlation id. Requests are
/// pipelined: any number may be outstanding, each with its own timeout. A request that
/// times out fails and closes the connection (Java's `NetworkClient` does the same: a
/// late answer would otherwise be matched to nothing, and the broker may be stuck).
/// When the connection goes away every outstanding request fails with
/// `connectionClosed`, naming the address.
final class RequestMatchingHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var promise: EventLoopPromise<ByteBuffer>
        var timeout: Scheduled<Void>?
    }

    let address: String
    private var pending: [Int32: Pending] = [:]
    private var failure: KafkaClientError?

    init(address: String) { self.address = address }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.response?.fail(failure)
            promise?.fail(failure)
            return
        }
        if let response = request.response {
            let correlationId = request.correlationId
            let api = request.apiName, ms = request.timeout.nanoseconds / 1_000_000
            let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) { [weak self, address] in
                guard let self, let entry = self.pending.removeValue(forKey: correlationId) else { return }
                entry.promise.fail(KafkaClientError.requestTimedOut(address: address, api: api, milliseconds: ms))
                context.close(promise: nil)
            }
            pending[correlationId] = Pending(promise: response, timeout: timeout)
        }
        var framed = context.channel.allocator.buffer(capacity: 4 + request.frame.readableBytes)
        framed.writeInteger(Int32(request.frame.readableBytes))
        framed.writeImmutableBuffer(request.frame)
        context.write(wrapOutboundOut(framed), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let correlationId = frame.getInteger(at: frame.readerIndex, as: Int32.self),
              let entry = pending.removeValue(forKey: correlationId) else {
            // An answer to a request that already timed out, or garbage: either way the
            // stream can no longer be trusted.
            failAll(.malformedResponse(address: address, api: "response", reason: "unexpected correlation id"))
            context.close(promise: nil)
            return
        }
        entry.timeout?.cancel()
        entry.promise.succeed(frame)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed(address: address))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let decoding = error as? ResponseFrameDecoder.FrameSizeError {
            failAll(.malformedResponse(address: address, api: "response", reason: decoding.description))
        } else {
            failAll(.connectionClosed(address: address))
        }
        context.close(promise: nil)
    }

    private func failAll(_ error: KafkaClientError) {
        if failure == nil { failure = error }
        let entries = pending
        pending.removeAll()
        for (_, entry) in entries {
            entry.timeout?.cancel()
            entry.promise.fail(error)
        }
    }
}
