import Foundation
import KafkaProtocol
import KafkaServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Kafka client over a real TCP connection, one request at a time, for the tests that need
/// the listeners themselves (the router tests skip the socket).
final class WireClient: Sendable {
    struct Timeout: Error {}
    enum Failure: Error { case closed, wrongCorrelationId }

    private let channel: any Channel
    private let inbox: Inbox
    private let nextCorrelationId = NIOLockedValueBox<Int32>(0)

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    static func connect(port: Int) async throws -> WireClient {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: 64 << 20)))
                    try pipeline.addHandler(Collector(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return WireClient(channel: channel, inbox: inbox)
    }

    /// Sends `request` and waits (at most 10 s) for its response.
    func send<R: KafkaRequestMessage>(_ request: R, version: Int16) async throws -> R.Response {
        let correlationId = nextCorrelationId.withLockedValue { $0 += 1; return $0 }
        let frame = KafkaFrame.request(request, version: version, correlationId: correlationId, clientId: "listener-test")
        var bytes = ByteBuffer()
        bytes.writeInteger(Int32(frame.readableBytes))
        bytes.writeImmutableBuffer(frame)
        try await channel.writeAndFlush(bytes).get()
        let answer = try await inbox.next()
        let (correlation, response) = try KafkaFrame.decodeResponse(R.Response.self, from: answer, version: version)
        guard correlation == correlationId else { throw Failure.wrongCorrelationId }
        return response
    }

    /// Waits (at most 10 s) until the server has closed the connection.
    func waitUntilClosed() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !inbox.isClosed {
            guard ContinuousClock.now < deadline else { throw Timeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func close() async {
        try? await channel.close()
    }

    /// Response frames in arrival order, and whether the connection has closed.
    private final class Inbox: Sendable {
        private let state = NIOLockedValueBox((frames: [ByteBuffer](), closed: false))

        func append(_ frame: ByteBuffer) { state.withLockedValue { $0.frames.append(frame) } }
        func markClosed() { state.withLockedValue { $0.closed = true } }
        var isClosed: Bool { state.withLockedValue { $0.closed } }

        func next() async throws -> ByteBuffer {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let (frame, closed) = state.withLockedValue { state -> (ByteBuffer?, Bool) in
                    state.frames.isEmpty ? (nil, state.closed) : (state.frames.removeFirst(), false)
                }
                if let frame { return frame }
                if closed { throw Failure.closed }
                guard ContinuousClock.now < deadline else { throw Timeout() }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox
        init(inbox: Inbox) { self.inbox = inbox }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { inbox.append(unwrapInboundIn(data)) }
        func channelInactive(context: ChannelHandlerContext) {
            inbox.markClosed()
            context.fireChannelInactive()
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
