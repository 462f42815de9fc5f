import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The Kafka wire server: one TCP listener per in-process broker, each connection framed
/// and handed request by request to a `KafkaRequestDispatching`.
///
/// Broker `brokerIds[i]` listens on `listenAddress:basePort+i` (any free port when
/// `basePort` is 0). Starting has two steps so that the dispatcher can be built knowing
/// every broker's address (Metadata advertises them): `bind()` opens the listeners without
/// accepting (clients wait in the kernel's backlog), `start(dispatcher:)` starts
/// accepting. `start(configuration:dispatcher:logger:)` does both.
///
/// The server owns one `MultiThreadedEventLoopGroup` (a thread per core), made by `bind()`
/// and stopped by `shutdown()`, which must be called once the server has bound.
///
/// Each broker's listener can be closed and opened again on the same port while the server
/// runs (`setListener(_:_:)`), so that it follows its broker (`serve(cluster:…)`).
///
/// Thread-safe. `bind()` and `start(dispatcher:)` are called once each, in that order;
/// `shutdown()` any time, any number of times.
public final class KafkaServer: Sendable {
    public let configuration: KafkaServerConfiguration
    let logger: Logger
    let connections = ConnectionRegistry()
    private let dispatches = DispatchTracker()
    let state = NIOLockedValueBox(State())

    enum Phase { case created, binding, bound, serving, shutDown }

    struct State {
        var phase = Phase.created
        var group: MultiThreadedEventLoopGroup?
        var listeners: [Int32: any Channel] = [:]
        var advertised: [Int32: (host: String, port: Int)] = [:]
        var dispatcher: (any KafkaRequestDispatching)?
        var shutdown: Task<Void, Never>?
        /// What each broker's listener should do, when told (otherwise: listen).
        var targets: [Int32: ListenerTarget] = [:]
        /// How many times each broker's target was set, to tell a new start from a retry.
        var targetChanges: [Int32: UInt64] = [:]
        /// Brokers whose listener could not be reopened; left closed until told again.
        var gaveUp: Set<Int32> = []
        /// The task moving each broker's listener to its target, while one runs.
        var followers: [Int32: Task<Void, Never>] = [:]
        /// Run once at shutdown (subscriptions to end).
        var shutdownHooks: [@Sendable () -> Void] = []

        /// Listeners may open and close only between binding and shutdown.
        var listenersCanChange: Bool { phase == .bound || phase == .serving }
    }

    public init(configuration: KafkaServerConfiguration, logger: Logger = Logger(label: "wharf.server")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds the listeners and starts serving requests with `dispatcher`. On failure
    /// nothing is left bound or running.
    public static func start(configuration: KafkaServerConfiguration, dispatcher: any KafkaRequestDispatching,
                             logger: Logger = Logger(label: "wharf.server")) async throws -> KafkaServer {
        let server = KafkaServer(configuration: configuration, logger: logger)
        do {
            try await server.bind()
            try await server.start(dispatcher: dispatcher)
        } catch {
            await server.shutdown()
            throw error
        }
        return server
    }

    /// Where clients reach each broker: the listen address (or `advertisedHost`) and the
    /// port it bound. Empty until `bind()` has succeeded.
    public var advertisedListeners: [Int32: (host: String, port: Int)] {
        state.withLockedValue { $0.advertised }
    }

    // MARK: Starting

    /// Opens every broker's listener, without accepting connections yet. Throws
    /// `KafkaServerError.cannotListen` naming the address when a port can't be bound
    /// (in use, no permission); the listeners bound before it are closed again and the
    /// server is shut down.
    public func bind() async throws {
        try validateConfiguration()
        let group = try state.withLockedValue { state in
            guard state.phase == .created else { throw KafkaServerError.invalidState("bind() was already called") }
            state.phase = .binding
            let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
            state.group = group
            return group
        }
        let host = configuration.listenAddress
        for (index, brokerId) in configuration.brokerIds.enumerated() {
            let port = configuration.port(forBrokerAt: index)
            let listener: any Channel
            do {
                listener = try await bootstrap(group: group, brokerId: brokerId).bind(host: host, port: port).get()
            } catch {
                await shutdown()
                throw KafkaServerError.cannotListen(host: host, port: port, error: error)
            }
            let recorded = state.withLockedValue { state -> Bool in
                guard state.phase == .binding else { return false }
                state.listeners[brokerId] = listener
                state.advertised[brokerId] = (advertisedHost, listener.localAddress?.port ?? port)
                return true
            }
            guard recorded else {
                try? await listener.close()
                throw KafkaServerError.invalidState("the server was shut down while binding")
            }
        }
        try state.withLockedValue { state in
            guard state.phase == .binding else { throw KafkaServerError.invalidState("the server was shut down while binding") }
            state.phase = .bound
        }
        for (brokerId, listener) in advertisedListeners.sorted(by: { $0.key < $1.key }) {
            logger.debug("Broker \(brokerId) bound \(host):\(listener.port)")
        }
    }

    /// Starts accepting connections on every listener; each request goes to `dispatcher`.
    public func start(dispatcher: any KafkaRequestDispatching) async throws {
        let listeners = try state.withLockedValue { state in
            guard state.phase == .bound else {
                throw KafkaServerError.invalidState("start(dispatcher:) needs a server that has bound and not started")
            }
            state.phase = .serving
            state.dispatcher = dispatcher
            return Array(state.listeners.values)
        }
        for listener in listeners {
            do {
                try await listener.setOption(ChannelOptions.autoRead, value: true).get()
            } catch where !listener.isActive {
                // Its broker stopped meanwhile; it will accept when it is reopened.
            }
        }
    }

    /// Runs `hook` when the server shuts down (at once if it has already).
    func onShutdown(_ hook: @escaping @Sendable () -> Void) {
        let late = state.withLockedValue { state -> Bool in
            guard state.shutdown == nil else { return true }
            state.shutdownHooks.append(hook)
            return false
        }
        if late { hook() }
    }

    // MARK: Stopping

    /// Closes the listeners and every connection, cancels the requests being dispatched and
    /// waits for them, then stops the event loops. Idempotent: later and concurrent calls
    /// wait for the first to finish.
    public func shutdown() async {
        let task = state.withLockedValue { state -> Task<Void, Never> in
            if let running = state.shutdown { return running }
            state.phase = .shutDown
            let task = Task { await self.stopEverything() }
            state.shutdown = task
            return task
        }
        await task.value
    }

    private func stopEverything() async {
        let (hooks, followers) = state.withLockedValue { state in
            defer { state.shutdownHooks = [] }
            return (state.shutdownHooks, Array(state.followers.values))
        }
        for hook in hooks { hook() }
        // A listener being reopened is closed by its follower once bound; one waiting to
        // retry stops waiting. Either way, before the event loops stop.
        for follower in followers { follower.cancel() }
        for follower in followers { await follower.value }
        let (listeners, group) = state.withLockedValue { state in
            defer { state.listeners = [:] }
            return (Array(state.listeners.values), state.group)
        }
        for listener in listeners { try? await listener.close() }
        await connections.closeAll()
        await dispatches.cancelAllAndWait()
        do { try await group?.shutdownGracefully() } catch { logger.error("Event loops did not stop cleanly: \(error)") }
        logger.debug("Server stopped")
    }

    // MARK: Connections

    func bootstrap(group: MultiThreadedEventLoopGroup, brokerId: Int32) -> ServerBootstrap {
        ServerBootstrap(group: group)
            // Lets a stopped broker's listener bind its port again at once, though the
            // port's last connections are still in TIME_WAIT.
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: configuration.listenBacklog)
            // Accepting starts in start(dispatcher:).
            .serverChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.setUpConnection(channel, brokerId: brokerId) }
            }
    }

    /// Builds an accepted connection's pipeline: frame decoder, frame encoder, the handler
    /// that dispatches. Throwing closes the connection.
    private func setUpConnection(_ channel: any Channel, brokerId: Int32) throws {
        guard let dispatcher = state.withLockedValue({ $0.phase == .serving ? $0.dispatcher : nil }),
              let connectionId = connections.register(channel, brokerId: brokerId)
        else { throw KafkaServerError.invalidState("the server is not serving") }
        let connection = KafkaConnectionInfo(brokerId: brokerId, peer: channel.remoteAddress?.hostAndPort ?? "unknown",
                                             connectionId: connectionId)
        let limits = KafkaConnectionHandler.Limits(maxQueuedRequests: configuration.maxQueuedRequests,
                                                   maxQueuedBytes: configuration.maxQueuedBytes)
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: configuration.maxRequestSize)))
        try pipeline.addHandler(KafkaFrameEncoder())
        try pipeline.addHandler(KafkaConnectionHandler(dispatcher: dispatcher, connection: connection,
                                                       tracker: dispatches, limits: limits, logger: logger))
    }

    // MARK: Configuration

    private var advertisedHost: String {
        if let host = configuration.advertisedHost { return host }
        let wildcard = ["0.0.0.0", "::", "[::]", ""].contains(configuration.listenAddress)
        return wildcard ? ProcessInfo.processInfo.hostName : configuration.listenAddress
    }

    private func validateConfiguration() throws {
        let ids = configuration.brokerIds
        guard !ids.isEmpty else { throw KafkaServerError.invalidConfiguration("no brokers to listen for") }
        guard Set(ids).count == ids.count else {
            throw KafkaServerError.invalidConfiguration("broker ids must be distinct: \(ids)")
        }
        let base = configuration.basePort
        guard base == 0 || (base > 0 && base + ids.count - 1 <= 65_535) else {
            throw KafkaServerError.invalidConfiguration(
                "ports \(base)…\(base + ids.count - 1) for \(ids.count) brokers are not all valid TCP ports")
        }
        guard configuration.maxRequestSize >= KafkaFrameDecoder.minimumFrameSize else {
            throw KafkaServerError.invalidConfiguration("socket.request.max.bytes must be at least 8")
        }
    }
}
