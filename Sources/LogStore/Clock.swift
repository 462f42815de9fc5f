import Glibc
import NIOConcurrencyHelpers

/// Wall-clock time in milliseconds since the Unix epoch, as Kafka's `Time.milliseconds()`.
///
/// Passed into `PartitionLog` so that segment roll (`segment.ms`), retention (`retention.ms`),
/// `flush.ms` and `LogAppendTime` stamping can be tested without sleeping.
public protocol Clock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z. Monotonic enough for roll and retention:
    /// a step backwards only delays them.
    func milliseconds() -> Int64
}

/// The system's real-time clock (`clock_gettime(CLOCK_REALTIME)`). Thread-safe (stateless).
public struct SystemClock: Clock {
    public init() {}

    public func milliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

/// A clock that moves only when told to. Thread-safe: the time is kept under a lock, so the
/// engine and a test may read and advance it from different threads.
public final class ManualClock: Clock {
    private let now: NIOLockedValueBox<Int64>

    public init(milliseconds: Int64 = 1_700_000_000_000) {
        now = NIOLockedValueBox(milliseconds)
    }

    public func milliseconds() -> Int64 { now.withLockedValue { $0 } }

    /// Moves the clock forward (or backward, with a negative value) by `milliseconds`.
    public func advance(by milliseconds: Int64) {
        now.withLockedValue { $0 += milliseconds }
    }

    /// Sets the clock to an absolute time.
    public func set(milliseconds: Int64) {
        now.withLockedValue { $0 = milliseconds }
    }
}
