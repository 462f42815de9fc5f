import NIOConcurrencyHelpers

/// A broker of the cluster started or stopped.
public enum BrokerLifecycleEvent: Sendable, Equatable {
    /// The broker is running: registered with the controller and serving its partitions.
    case started(Int32)
    /// The broker is no longer running. `controlled`: a controlled shutdown (its leaderships
    /// moved first), rather than a kill.
    case stopped(Int32, controlled: Bool)

    public var brokerId: Int32 {
        switch self {
        case .started(let id), .stopped(let id, _): return id
        }
    }
}

extension Cluster {
    /// Calls `observer` after every broker start and stop, in the order they happen, and
    /// returns the brokers running when it was subscribed (no event can fall between the two).
    ///
    /// This is how the wire server makes a broker's listener follow it, as a Kafka broker's
    /// socket server starts and stops with it, without the engine knowing about sockets.
    /// The observer runs synchronously inside `startBroker`/`stopBroker`, which are serialised:
    /// it must be quick (hand the work off) and must not start or stop brokers itself.
    public func observeBrokers(_ observer: @escaping @Sendable (BrokerLifecycleEvent) -> Void)
        -> (running: [Int32], subscription: any Cancellable) {
        withBrokerLifecycle {
            (runningBrokerIds, brokerObservers.add(observer))
        }
    }
}

/// The observers of broker starts and stops. Thread-safe.
final class BrokerLifecycleObservers: Sendable {
    private struct State {
        var nextId: UInt64 = 0
        var observers: [UInt64: @Sendable (BrokerLifecycleEvent) -> Void] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func add(_ observer: @escaping @Sendable (BrokerLifecycleEvent) -> Void) -> any Cancellable {
        let id = state.withLockedValue { state -> UInt64 in
            state.nextId += 1
            state.observers[state.nextId] = observer
            return state.nextId
        }
        return Removal(observers: self, id: id)
    }

    /// Calls every observer, outside this lock so that one may cancel its subscription.
    func notify(_ event: BrokerLifecycleEvent) {
        let observers = state.withLockedValue { $0.observers.sorted { $0.key < $1.key }.map(\.value) }
        for observer in observers { observer(event) }
    }

    private func remove(_ id: UInt64) {
        state.withLockedValue { _ = $0.observers.removeValue(forKey: id) }
    }

    private struct Removal: Cancellable {
        let observers: BrokerLifecycleObservers
        let id: UInt64
        func cancel() { observers.remove(id) }
    }
}
