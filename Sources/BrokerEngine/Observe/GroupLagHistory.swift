import NIOConcurrencyHelpers

/// The recent total lag of each consumer group, one sample per tick of the cluster's
/// traffic sampling (once a second), so group sparklines line up with the rate ones.
///
/// Thread-safe. A sample is an append under one short lock; lag itself is computed by the
/// caller before it records.
public final class GroupLagHistory: Sendable {
    /// How many samples each group keeps (the same as `TrafficMeter.historyLength`).
    public let historyLength: Int
    private let samples = NIOLockedValueBox([String: [Int64]]())

    public init(historyLength: Int = 60) {
        self.historyLength = historyLength
    }

    /// Appends each group's total lag. Groups missing from `totals` are gone (deleted, or
    /// expired with their offsets), so their history goes too; a group that comes back
    /// starts afresh.
    public func record(_ totals: [String: Int64]) {
        samples.withLockedValue { samples in
            samples = samples.filter { totals[$0.key] != nil }
            for (groupId, total) in totals {
                var history = samples[groupId] ?? []
                history.append(total)
                if history.count > historyLength { history.removeFirst(history.count - historyLength) }
                samples[groupId] = history
            }
        }
    }

    /// Oldest first; the last element is the latest sample.
    public func history(_ groupId: String) -> [Int64] { samples.withLockedValue { $0[groupId] ?? [] } }
}
