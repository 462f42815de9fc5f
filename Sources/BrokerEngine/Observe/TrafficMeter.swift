import NIOConcurrencyHelpers

/// Records and bytes in and out, counted on the hot paths with one short lock and turned
/// into per-second rates with a short history for sparklines by `sample(nowMs:)`.
///
/// Thread-safe. Counting is an addition under a lock; sampling copies the counters, so a
/// console reading rates never holds up a produce or a fetch for longer than that.
public final class TrafficMeter: Sendable {
    /// One direction's totals for a key (a topic, a broker).
    public struct Totals: Sendable, Equatable {
        public var recordsIn: Int64 = 0
        public var bytesIn: Int64 = 0
        public var recordsOut: Int64 = 0
        public var bytesOut: Int64 = 0
        public init() {}
    }

    /// Rates over the last sampling interval.
    public struct Rates: Sendable, Equatable {
        public var recordsInPerSecond: Double = 0
        public var bytesInPerSecond: Double = 0
        public var recordsOutPerSecond: Double = 0
        public var bytesOutPerSecond: Double = 0
        public init() {}
    }

    public enum Key: Hashable, Sendable {
        case topic(String)
        case broker(Int32)
        case cluster
    }

    /// How many samples each key keeps (one a second: the last minute).
    public let historyLength: Int
    private struct State {
        var totals: [Key: Totals] = [:]
        var lastSample: (atMs: Int64, totals: [Key: Totals])?
        var history: [Key: [Rates]] = [:]
    }
    private let state = NIOLockedValueBox(State())

    public init(historyLength: Int = 60) {
        self.historyLength = historyLength
    }

    public func recordIn(topic: String, broker: Int32, records: Int, bytes: Int) {
        state.withLockedValue { state in
            for key in [Key.topic(topic), .broker(broker), .cluster] {
                state.totals[key, default: Totals()].recordsIn += Int64(records)
                state.totals[key, default: Totals()].bytesIn += Int64(bytes)
            }
        }
    }

    public func recordOut(topic: String, broker: Int32, records: Int, bytes: Int) {
        state.withLockedValue { state in
            for key in [Key.topic(topic), .broker(broker), .cluster] {
                state.totals[key, default: Totals()].recordsOut += Int64(records)
                state.totals[key, default: Totals()].bytesOut += Int64(bytes)
            }
        }
    }

    /// Turns the counts since the previous sample into rates and appends them to each
    /// key's history (the cluster calls it once a second).
    public func sample(nowMs: Int64) {
        state.withLockedValue { state in
            defer { state.lastSample = (nowMs, state.totals) }
            guard let last = state.lastSample, nowMs > last.atMs else { return }
            let seconds = Double(nowMs - last.atMs) / 1000
            for (key, totals) in state.totals {
                let before = last.totals[key] ?? Totals()
                var rates = Rates()
                rates.recordsInPerSecond = Double(totals.recordsIn - before.recordsIn) / seconds
                rates.bytesInPerSecond = Double(totals.bytesIn - before.bytesIn) / seconds
                rates.recordsOutPerSecond = Double(totals.recordsOut - before.recordsOut) / seconds
                rates.bytesOutPerSecond = Double(totals.bytesOut - before.bytesOut) / seconds
                var history = state.history[key] ?? []
                history.append(rates)
                if history.count > historyLength { history.removeFirst(history.count - historyLength) }
                state.history[key] = history
            }
        }
    }

    public func totals(_ key: Key) -> Totals { state.withLockedValue { $0.totals[key] ?? Totals() } }

    /// Oldest first; the last element is the current rate.
    public func history(_ key: Key) -> [Rates] { state.withLockedValue { $0.history[key] ?? [] } }

    public func currentRates(_ key: Key) -> Rates { history(key).last ?? Rates() }
}
