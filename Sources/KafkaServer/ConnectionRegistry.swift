import NIOConcurrencyHelpers
import NIOCore

/// The server's open connections, by broker, so that shutdown can close them all and a
/// stopped broker's can be closed alone, and their ids.
///
/// Thread-safe.
final class ConnectionRegistry: Sendable {
    private struct Connection {
        var channel: any Channel
        var brokerId: Int32
    }

    private struct State {
        var nextId: UInt64 = 1
        var open: [UInt64: Connection] = [:]
        var closed = false
        /// Brokers whose listener is closing or closed: a connection their listener accepted
        /// just before it closed is refused.
        var refusedBrokers: Set<Int32> = []
    }

    private let state = NIOLockedValueBox(State())

    /// Records a newly accepted connection to `brokerId` and gives it an id, or returns nil
    /// once the server is shutting down or the broker's listener is closing (the caller
    /// closes the channel).
    func register(_ channel: any Channel, brokerId: Int32) -> UInt64? {
        let id = state.withLockedValue { state -> UInt64? in
            guard !state.closed, !state.refusedBrokers.contains(brokerId) else { return nil }
            defer { state.nextId += 1 }
            state.open[state.nextId] = Connection(channel: channel, brokerId: brokerId)
            return state.nextId
        }
        guard let id else { return nil }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLockedValue { _ = $0.open.removeValue(forKey: id) }
        }
        return id
    }

    var openCount: Int { state.withLockedValue { $0.open.count } }

    func openCount(brokerId: Int32) -> Int {
        state.withLockedValue { $0.open.values.filter { $0.brokerId == brokerId }.count }
    }

    /// Refuses new connections and closes every open one, waiting until they have closed.
    func closeAll() async {
        let channels = state.withLockedValue { state -> [any Channel] in
            state.closed = true
            return state.open.values.map(\.channel)
        }
        for channel in channels {
            channel.close(promise: nil)
        }
        for channel in channels {
            try? await channel.closeFuture.get()
        }
    }

    /// Refuses new connections to `brokerId` (its listener is about to close).
    func refuse(brokerId: Int32) {
        state.withLockedValue { _ = $0.refusedBrokers.insert(brokerId) }
    }

    /// Accepts connections to `brokerId` again (its listener is about to reopen).
    func accept(brokerId: Int32) {
        state.withLockedValue { _ = $0.refusedBrokers.remove(brokerId) }
    }

    /// Closes `brokerId`'s connections without waiting. `graceful`: each first answers the
    /// request it is handling (dropping the ones queued behind it), within `drainTimeout`;
    /// otherwise they close at once, as a killed broker's sockets do.
    func close(brokerId: Int32, graceful: Bool, drainTimeout: TimeAmount) {
        let channels = state.withLockedValue { state in
            state.open.values.filter { $0.brokerId == brokerId }.map(\.channel)
        }
        for channel in channels {
            guard graceful else {
                channel.close(promise: nil)
                continue
            }
            channel.pipeline.fireUserInboundEventTriggered(KafkaConnectionHandler.DrainAndClose())
            let deadline = channel.eventLoop.scheduleTask(in: drainTimeout) { channel.close(promise: nil) }
            channel.closeFuture.whenComplete { _ in deadline.cancel() }
        }
    }
}

extension SocketAddress {
    /// `host:port`, with IPv6 hosts in brackets; for log lines and `KafkaConnectionInfo.peer`.
    var hostAndPort: String {
        guard let ip = ipAddress, let port else { return description }
        if case .v6 = self { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}
