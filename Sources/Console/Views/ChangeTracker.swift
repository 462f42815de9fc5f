/// Remembers values between frames and says which changed recently, so a view can light up
/// what just moved (a leader after failover) for a few seconds, as htop flashes changes.
/// The first value seen for a key is not a change.
public struct ChangeTracker<Key: Hashable, Value: Equatable> {
    public var highlightMs: Int64
    private var entries: [Key: (value: Value, changedAtMs: Int64?)] = [:]

    public init(highlightMs: Int64 = 3_000) {
        self.highlightMs = highlightMs
    }

    /// Records `value` for `key` at `nowMs`; true while it changed less than `highlightMs` ago.
    public mutating func observe(_ key: Key, _ value: Value, nowMs: Int64) -> Bool {
        guard let entry = entries[key] else {
            entries[key] = (value, nil)
            return false
        }
        if entry.value != value {
            entries[key] = (value, nowMs)
            return true
        }
        guard let changedAt = entry.changedAtMs else { return false }
        return nowMs - changedAt < highlightMs
    }
}
