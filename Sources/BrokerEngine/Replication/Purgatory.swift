import NIOConcurrencyHelpers

/// Holds delayed operations until an event completes them or their timeout expires (Kafka's
/// `DelayedOperationPurgatory`). Operations are watched under keys — a partition for
/// produce and fetch — and `checkAndComplete(key)` is called when something changes for that
/// key: the high watermark moved, a batch was appended, leadership changed.
///
/// Nothing here sleeps or polls: waiting costs one entry per watched key and one timer.
///
/// Thread-safe. Completion callbacks run with no purgatory lock held.
public final class Purgatory<Key: Hashable & Sendable>: Sendable {
    public let name: String
    private let scheduler: any EngineScheduler
    private let watchers = NIOLockedValueBox([Key: [DelayedOperation]]())

    public init(name: String, scheduler: any EngineScheduler) {
        self.name = name
        self.scheduler = scheduler
    }

    /// Completes `operation` now if it can; otherwise watches it under `keys` until an event
    /// completes it or `timeoutMs` passes (then it completes as expired). Returns whether it
    /// completed at once.
    ///
    /// The condition is checked again after the operation is watched, so an event that lands
    /// between the first check and the watch is not missed (Kafka's `tryCompleteElseWatch`).
    @discardableResult
    public func tryCompleteElseWatch(_ operation: DelayedOperation, keys: [Key], timeoutMs: Int64) -> Bool {
        if operation.tryComplete() { return true }
        watchers.withLockedValue { watchers in
            for key in keys { watchers[key, default: []].append(operation) }
        }
        if operation.tryComplete() {
            purgeCompleted(keys)
            return true
        }
        let timer = scheduler.schedule(afterMs: timeoutMs) { [weak self] in
            if operation.forceComplete(expired: true) { self?.purgeCompleted(keys) }
        }
        operation.attach(timer: timer)
        return false
    }

    /// Tries to complete every operation watched under `key`; returns how many completed.
    @discardableResult
    public func checkAndComplete(_ key: Key) -> Int {
        let candidates = watchers.withLockedValue { $0[key] ?? [] }
        guard !candidates.isEmpty else { return 0 }
        var completed = 0
        for operation in candidates where operation.tryComplete() { completed += 1 }
        purgeCompleted([key])
        return completed
    }

    /// Completes every watched operation as expired (broker shutdown, lost leadership).
    public func completeAll(_ key: Key? = nil) {
        let all = watchers.withLockedValue { watchers -> [DelayedOperation] in
            if let key { return watchers.removeValue(forKey: key) ?? [] }
            defer { watchers.removeAll() }
            return watchers.values.flatMap { $0 }
        }
        for operation in all { operation.forceComplete(expired: true) }
    }

    /// Operations watched and not yet completed (an operation under two keys counts twice).
    public var watchedCount: Int {
        watchers.withLockedValue { $0.values.reduce(0) { $0 + $1.filter { !$0.isCompleted }.count } }
    }

    private func purgeCompleted(_ keys: [Key]) {
        watchers.withLockedValue { watchers in
            for key in keys {
                guard let list = watchers[key] else { continue }
                let open = list.filter { !$0.isCompleted }
                watchers[key] = open.isEmpty ? nil : open
            }
        }
    }
}
