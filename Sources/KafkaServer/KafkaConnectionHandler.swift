import Logging
import NIOCore

/// One client connection: hands each request frame to the dispatcher and writes the
/// responses in request order.
///
/// Like Kafka's network processor, it works on one request per connection at a time: the
/// next is dispatched when the previous one's response has been written (or dropped, for
/// `noResponse`) and the socket can take more. It reads ahead while a request is being
/// handled, but stops reading when more than `maxQueuedRequests` frames or
/// `maxQueuedBytes` bytes wait, and resumes when they drain: a client that pipelines
/// without reading can't make the server buffer without bound.
///
/// Runs on its channel's event loop; the dispatch itself runs in a task tracked by the
/// server, so closing mid-request cancels it and shutdown waits for it.
final class KafkaConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent when the connection's broker stops: answer the request being handled, then close.
    struct DrainAndClose: Sendable {}

    struct Limits: Sendable {
        var maxQueuedRequests: Int
        var maxQueuedBytes: Int
    }

    private let dispatcher: any KafkaRequestDispatching
    private let connection: KafkaConnectionInfo
    private let tracker: DispatchTracker
    private let limits: Limits
    private let logger: Logger

    /// Frames read but not yet dispatched, oldest first.
    private var waiting = CircularBuffer<ByteBuffer>()
    /// Frames read and not yet answered (waiting and the one being dispatched), and their bytes.
    private var queuedCount = 0
    private var queuedBytes = 0
    /// The dispatch running now, if any.
    private var current: Task<Void, Never>?
    private var dispatching = false
    /// A `read` held back because the queue was full.
    private var readHeldBack = false
    /// Set once the connection is closing or closed: nothing more is read, dispatched or written.
    private var closing = false
    /// Set once the broker has stopped: nothing more is read or dispatched, and the
    /// connection closes after the response being made.
    private var draining = false
    /// The last response written, so `.close` can wait for it to reach the socket.
    private var lastWrite: EventLoopFuture<Void>?

    init(dispatcher: any KafkaRequestDispatching, connection: KafkaConnectionInfo, tracker: DispatchTracker,
         limits: Limits, logger: Logger) {
        self.dispatcher = dispatcher
        self.connection = connection
        self.tracker = tracker
        self.limits = limits
        var logger = logger
        logger[metadataKey: "broker"] = "\(connection.brokerId)"
        logger[metadataKey: "peer"] = "\(connection.peer)"
        logger[metadataKey: "connection"] = "\(connection.connectionId)"
        self.logger = logger
    }

    // MARK: Inbound

    func channelActive(context: ChannelHandlerContext) {
        logger.debug("Connection accepted")
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing, !draining else { return }
        let frame = unwrapInboundIn(data)
        waiting.append(frame)
        queuedCount += 1
        queuedBytes += frame.readableBytes
        dispatchNext(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { dispatchNext(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        logger.debug("Connection closed")
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is DrainAndClose else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard !closing else { return }
        draining = true
        waiting.removeAll()
        if !dispatching { closeAfterWrites(context: context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let frameError as KafkaFrameError:
            logger.warning("Closing connection from \(connection.peer): \(frameError)",
                           metadata: ["size": "\(frameError.size)"])
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            break  // Bytes after a bad frame, already reported.
        default:
            logger.debug("Closing connection: \(error)")
        }
        closeNow(context: context)
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if closing || draining { return }
        if queueIsFull {
            readHeldBack = true
        } else {
            context.read()
        }
    }

    // MARK: Dispatching

    private var queueIsFull: Bool {
        queuedCount > limits.maxQueuedRequests || queuedBytes > limits.maxQueuedBytes
    }

    private func dispatchNext(context: ChannelHandlerContext) {
        guard !closing, !draining, !dispatching, context.channel.isWritable, let frame = waiting.popFirst() else { return }
        dispatching = true
        let promise = context.eventLoop.makePromise(of: KafkaResponseAction.self)
        let dispatcher = self.dispatcher
        let connection = self.connection
        current = tracker.start {
            promise.succeed(await dispatcher.dispatch(frame: frame, connection: connection))
        }
        if current == nil { promise.succeed(.close) }  // The server is shutting down.
        let size = frame.readableBytes
        promise.futureResult.assumeIsolated().whenSuccess { action in
            self.finish(action, frameSize: size, context: context)
        }
    }

    private func finish(_ action: KafkaResponseAction, frameSize: Int, context: ChannelHandlerContext) {
        current = nil
        dispatching = false
        queuedCount -= 1
        queuedBytes -= frameSize
        guard !closing else { return }
        switch action {
        case .respond(let response):
            lastWrite = context.writeAndFlush(wrapOutboundOut(response))
        case .noResponse:
            break
        case .close:
            closeAfterWrites(context: context)
            return
        }
        if draining {
            closeAfterWrites(context: context)
            return
        }
        if readHeldBack && !queueIsFull {
            readHeldBack = false
            context.read()
        }
        dispatchNext(context: context)
    }

    // MARK: Closing

    /// Closes once the responses already written have gone out (a plain close would fail
    /// writes still waiting for the socket).
    private func closeAfterWrites(context: ChannelHandlerContext) {
        stop()
        guard let lastWrite else {
            context.close(promise: nil)
            return
        }
        // The channel, not the context: the handler may be gone by the time the write ends.
        let channel = context.channel
        lastWrite.whenComplete { _ in channel.close(promise: nil) }
    }

    private func closeNow(context: ChannelHandlerContext) {
        stop()
        context.close(promise: nil)
    }

    /// Drops waiting requests and cancels the one being dispatched; its result will be ignored.
    private func stop() {
        closing = true
        waiting.removeAll()
        current?.cancel()
        current = nil
    }
}
