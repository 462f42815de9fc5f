/// Time and timers for the engine, injected so that tests never sleep.
///
/// Kafka passes a `Time` to its coordinators and completes delayed operations through
/// purgatories (`DelayedJoin`, `DelayedHeartbeat`); Wharf's equivalent is one scheduler:
/// `nowMs` for timestamps and `schedule(afterMs:_:)` for expirations. `DispatchScheduler`
/// is the real one, `ManualScheduler` the deterministic one for tests.
///
/// Implementations must never run an action while holding a lock of their own, because
/// actions take the lock of the component that scheduled them (lock order: component,
/// then scheduler).
public protocol EngineScheduler: Sendable {
    /// Milliseconds since the Unix epoch (wall clock: committed offsets carry it).
    var nowMs: Int64 { get }

    /// Runs `action` once, `delayMs` from now (immediately-due when `delayMs <= 0`,
    /// but never synchronously inside this call).
    @discardableResult
    func schedule(afterMs delayMs: Int64, _ action: @escaping @Sendable () -> Void) -> any Cancellable
}

/// A scheduled action that can be called off. Cancelling after it ran does nothing.
public protocol Cancellable: Sendable {
    func cancel()
}
