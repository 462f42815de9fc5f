import NIOConcurrencyHelpers
import NIOCore

/// The server's open connections, so shutdown can close them, and their ids.
///
/// Thread-safe.
final class ConnectionRegistry: Sendable {
    private struct State {
        var nextId: UInt64 = 1
        var open: [UInt64: any Channel] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Records a newly accepted connection and gives it an id, or returns nil once the
    /// server is shutting down (the caller closes the channel).
    func register(_ channel: any Channel) -> UInt64? {
        let id = state.withLockedValue { state -> UInt64? in
            guard !state.closed else { return nil }
            defer { state.nextId += 1 }
            state.open[state.nextId] = channel
            return state.nextId
        }
        guard let id else { return nil }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLockedValue { _ = $0.open.removeValue(forKey: id) }
        }
        return id
    }

    var openCount: Int { state.withLockedValue { $0.open.count } }

    /// Refuses new connections and closes every open one, waiting until they have closed.
    func closeAll() async {
        let channels = state.withLockedValue { state -> [any Channel] in
            state.closed = true
            return Array(state.open.values)
        }
        for channel in channels {
            channel.close(promise: nil)
        }
        for channel in channels {
            try? await channel.closeFuture.get()
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
