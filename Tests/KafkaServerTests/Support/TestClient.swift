import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// A raw TCP client for the server tests: sends whatever bytes a test builds (split or
/// pipelined as it likes) and collects what comes back, frame by frame.
struct TestClient {
    let channel: any Channel
    private let received: ReceivedBytes

    struct Timeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// Connects; with `reading` false, reads nothing until `startReading()`.
    static func connect(host: String = "127.0.0.1", port: Int, reading: Bool = true) async throws -> TestClient {
        let received = ReceivedBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.autoRead, value: reading)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CollectingHandler(received: received))
                }
            }
            .connect(host: host, port: port).get()
        return TestClient(channel: channel, received: received)
    }

    /// Sends `bytes` as one write.
    func send(_ bytes: ByteBuffer) async throws {
        try await channel.writeAndFlush(bytes).get()
    }

    /// Starts reading what the server sends.
    func startReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: true).get()
    }

    /// Queues framed requests without waiting for them to be written (the server may not
    /// be reading).
    func queue(requests: [ByteBuffer]) {
        for request in requests {
            var bytes = ByteBuffer()
            bytes.writeFrame(request)
            channel.write(bytes, promise: nil)
        }
        channel.flush()
    }

    /// Sends framed requests, all in one write (pipelined).
    func send(requests: [ByteBuffer]) async throws {
        var bytes = ByteBuffer()
        for request in requests { bytes.writeFrame(request) }
        try await send(bytes)
    }

    /// Waits until `count` response frames have arrived (more may follow) and returns them.
    func frames(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [ByteBuffer] {
        try await poll("\(count) response frames", timeout: timeout) {
            let frames = received.frames
            return frames.count >= count ? Array(frames.prefix(count)) : nil
        }
    }

    /// Every response frame received so far.
    var framesSoFar: [ByteBuffer] { received.frames }

    /// Waits until the server has closed the connection.
    func waitUntilClosed(timeout: Duration = .seconds(10)) async throws {
        try await poll("the server to close the connection", timeout: timeout) { received.isClosed ? true : nil }
    }

    var isClosed: Bool { received.isClosed }

    /// Closes the connection; with `reset`, with an RST (SO_LINGER 0) instead of a FIN.
    func close(reset: Bool = false) async {
        if reset, let options = channel as? any SocketOptionProvider {
            try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}

/// Polls `check` every few milliseconds until it returns a value or `timeout` passes.
@discardableResult
func poll<T>(_ what: String, timeout: Duration = .seconds(10), _ check: () -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = check() { return value }
        guard ContinuousClock.now < deadline else { throw TestClient.Timeout(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// The bytes a client has received, and whether the server closed the connection.
final class ReceivedBytes: Sendable {
    private let state = NIOLockedValueBox((bytes: ByteBuffer(), closed: false))

    func append(_ buffer: ByteBuffer) {
        state.withLockedValue { state in
            var buffer = buffer
            state.bytes.writeBuffer(&buffer)
        }
    }

    func markClosed() { state.withLockedValue { $0.closed = true } }

    var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// The complete size-prefixed frames received, without their prefixes.
    var frames: [ByteBuffer] {
        var bytes = state.withLockedValue { $0.bytes }
        var frames: [ByteBuffer] = []
        while let size = bytes.getInteger(at: bytes.readerIndex, as: Int32.self), bytes.readableBytes >= 4 + Int(size) {
            bytes.moveReaderIndex(forwardBy: 4)
            frames.append(bytes.readSlice(length: Int(size))!)
        }
        return frames
    }
}

private final class CollectingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: ReceivedBytes
    init(received: ReceivedBytes) { self.received = received }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { received.append(unwrapInboundIn(data)) }
    func channelInactive(context: ChannelHandlerContext) {
        received.markClosed()
        context.fireChannelInactive()
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

extension ByteBuffer {
    /// Writes `frame` with its 4-byte size prefix.
    mutating func writeFrame(_ frame: ByteBuffer) {
        writeInteger(Int32(frame.readableBytes))
        writeImmutableBuffer(frame)
    }
}
