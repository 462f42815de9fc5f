import NIOConcurrencyHelpers

/// The dispatches running now, across all connections of a server.
///
/// Each runs in its own task; when it ends, it hops back to its connection's event loop.
/// Shutdown cancels them and waits for every one to end before stopping the event loops,
/// so no task is left behind and none hops onto a loop that has shut down.
///
/// Thread-safe.
final class DispatchTracker: Sendable {
    private struct State {
        var nextId: UInt64 = 0
        var running: [UInt64: Task<Void, Never>] = [:]
        var closed = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Runs `operation` in a new task, or returns nil once shutdown has begun.
    func start(_ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never>? {
        state.withLockedValue { state in
            guard !state.closed else { return nil }
            let id = state.nextId
            state.nextId += 1
            // The task can't finish before it is recorded: `finished` waits for this lock.
            let task = Task {
                await operation()
                self.finished(id)
            }
            state.running[id] = task
            return task
        }
    }

    /// How many dispatches are running.
    var runningCount: Int { state.withLockedValue { $0.running.count } }

    /// Refuses new dispatches, cancels the running ones and waits until they have ended.
    func cancelAllAndWait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLockedValue { state -> Bool in
                state.closed = true
                for task in state.running.values { task.cancel() }
                if state.running.isEmpty { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func finished(_ id: UInt64) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.running[id] = nil
            guard state.closed, state.running.isEmpty else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }
}
