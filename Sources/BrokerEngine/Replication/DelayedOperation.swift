import NIOConcurrencyHelpers

/// A request that waits for a condition: an `acks=all` produce waiting for the ISR to reach
/// its offset, a fetch waiting for `min.bytes` (Kafka's `DelayedOperation`).
///
/// It completes exactly once: when `check` first says yes during `tryComplete()` (called
/// by the purgatory on the events that could make it true), or when its timeout expires.
/// `onComplete(expired)` then runs on the thread that completed it, with no lock held.
///
/// Thread-safe.
public final class DelayedOperation: Sendable {
    private let check: @Sendable () -> Bool
    private let onComplete: @Sendable (_ expired: Bool) -> Void
    private let state = NIOLockedValueBox(State())

    private struct State {
        var completed = false
        var timer: (any Cancellable)?
    }

    /// - Parameters:
    ///   - check: true when the operation can complete now. Must be quick and must not block;
    ///     it may be called from any thread, concurrently with itself.
    ///   - onComplete: runs once; `expired` tells a timeout from a satisfied condition.
    public init(check: @escaping @Sendable () -> Bool, onComplete: @escaping @Sendable (_ expired: Bool) -> Void) {
        self.check = check
        self.onComplete = onComplete
    }

    public var isCompleted: Bool { state.withLockedValue { $0.completed } }

    /// Completes the operation if its condition holds. Returns whether this call completed it.
    @discardableResult
    public func tryComplete() -> Bool {
        guard !isCompleted, check() else { return false }
        return forceComplete(expired: false)
    }

    /// Completes the operation whatever its condition (a timeout, a shutdown). Returns false
    /// when it had already completed.
    @discardableResult
    public func forceComplete(expired: Bool) -> Bool {
        let timer = state.withLockedValue { state -> (any Cancellable)?? in
            guard !state.completed else { return nil }
            state.completed = true
            defer { state.timer = nil }
            return .some(state.timer)
        }
        guard let timer else { return false }
        timer?.cancel()
        onComplete(expired)
        return true
    }

    /// Records the expiration timer so completion can cancel it.
    func attach(timer: any Cancellable) {
        let alreadyDone = state.withLockedValue { state -> Bool in
            if state.completed { return true }
            state.timer = timer
            return false
        }
        if alreadyDone { timer.cancel() }
    }
}
