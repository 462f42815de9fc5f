import NIOConcurrencyHelpers

/// A deterministic `EngineScheduler` for tests: time stands still until `advance(byMs:)`.
///
/// `advance` fires every timer that falls due inside the window in deadline order (ties in
/// scheduling order), setting `nowMs` to each timer's deadline before running it, so an
/// action sees the time it was due at. Timers scheduled by an action run in the same
/// `advance` when they fall due inside the window. Actions run on the caller's thread with
/// no scheduler lock held, so they may schedule or cancel freely.
public final class ManualScheduler: EngineScheduler {
    private struct Timer {
        let id: UInt64
        let deadline: Int64
        let action: @Sendable () -> Void
    }

    private struct State {
        var now: Int64
        var nextId: UInt64 = 0
        var timers: [UInt64: Timer] = [:]
    }

    private let state: NIOLockedValueBox<State>

    /// - Parameter startMs: the initial `nowMs` (default: 2024-01-01T00:00:00Z, so that
    ///   timestamps look like real ones).
    public init(startMs: Int64 = 1_704_067_200_000) {
        state = NIOLockedValueBox(State(now: startMs))
    }

    public var nowMs: Int64 { state.withLockedValue { $0.now } }

    /// Timers scheduled and neither fired nor cancelled.
    public var pendingTimerCount: Int { state.withLockedValue { $0.timers.count } }

    @discardableResult
    public func schedule(afterMs delayMs: Int64, _ action: @escaping @Sendable () -> Void) -> any Cancellable {
        let id = state.withLockedValue { state -> UInt64 in
            state.nextId += 1
            let timer = Timer(id: state.nextId, deadline: state.now + max(0, delayMs), action: action)
            state.timers[timer.id] = timer
            return timer.id
        }
        return ManualCancellable(scheduler: self, id: id)
    }

    /// Moves time forward by `deltaMs`, firing what falls due (see the type's comment).
    public func advance(byMs deltaMs: Int64) {
        let target = state.withLockedValue { $0.now + max(0, deltaMs) }
        while let action = popDue(upTo: target) {
            action()
        }
        state.withLockedValue { $0.now = max($0.now, target) }
    }

    /// Fires timers that are already due without moving time.
    public func runDue() { advance(byMs: 0) }

    private func popDue(upTo target: Int64) -> (@Sendable () -> Void)? {
        state.withLockedValue { state in
            let next = state.timers.values
                .filter { $0.deadline <= target }
                .min { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
            guard let next else { return nil }
            state.timers[next.id] = nil
            state.now = max(state.now, next.deadline)
            return next.action
        }
    }

    fileprivate func cancel(id: UInt64) {
        state.withLockedValue { _ = $0.timers.removeValue(forKey: id) }
    }
}

private struct ManualCancellable: Cancellable {
    let scheduler: ManualScheduler
    let id: UInt64
    func cancel() { scheduler.cancel(id: id) }
}
