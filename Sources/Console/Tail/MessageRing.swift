import Foundation

/// Where the Messages view's tail is: following the newest, paused, or read from a jump
/// point until the buffer filled.
public enum TailMode: Sendable, Equatable {
    case following
    case paused
    /// Stopped itself: the buffer filled with records after a jump (space reads on).
    case pausedFull
}

/// The newest records of a tail, bounded by count and bytes, with what the view says about
/// them (rates, sampling, errors). The tail session writes, the view reads every frame
/// without waiting on the session: one lock held for a copy, never across I/O.
///
/// Thread-safe.
public final class MessageRing: @unchecked Sendable {
    /// What a frame draws from: a copy, made only when something changed.
    public struct Contents: Sendable {
        public var records: [ConsumedRecord] = []
        public var mode: TailMode = .following
        /// Bumped on every change, so a view can tell whether to copy again.
        public var generation = 0
        /// Records that arrived in the log (high watermark moves) in the last window, per second.
        public var arrivalsPerSecond: Double = 0
        /// Nil while the tail keeps up; N when it shows about 1 in N records (it skipped ahead).
        public var samplingOneIn: Int?
        /// Records that arrived since a pause.
        public var newSincePause = 0
        public var error: String?
        /// The records' original value sizes where they were cut (`maxValueBytes`), by id.
        public var cutValueSizes: [String: Int] = [:]
    }

    public let capacity: Int
    public let maxBytes: Int
    /// Values longer than this are kept cut (the detail pane says so): a ring of 5,000
    /// megabyte values would not fit in memory.
    public static let maxValueBytes = 64 * 1024
    /// Rates and sampling are measured over this window.
    static let windowSeconds: Int64 = 5

    private let lock = NSLock()
    private var ring: [ConsumedRecord] = []
    /// Index in `ring` of the oldest record once it is full (a circular buffer).
    private var head = 0
    private var bytes = 0
    private var state = Contents()
    private var cutSizes: [String: Int] = [:]
    /// Per second (ms / 1000): records arrived in the log, kept, and skipped.
    private var arrived: [Int64: Int] = [:]
    private var kept: [Int64: Int] = [:]
    private var skipped: [Int64: Int] = [:]
    /// The run whose records are accepted; an older run's late records are dropped.
    private var run = 0

    public init(capacity: Int = 5_000, maxBytes: Int = 32 << 20) {
        self.capacity = max(1, capacity)
        self.maxBytes = maxBytes
    }

    // MARK: Reading (the view)

    public var generation: Int { lock.withLock { state.generation } }
    /// The run whose records are accepted now.
    public var currentRun: Int { lock.withLock { run } }
    public var mode: TailMode { lock.withLock { state.mode } }
    public var count: Int { lock.withLock { ring.count } }

    /// The records oldest first, and the state, as of now; rates measured at `nowMs`.
    public func contents(nowMs: Int64) -> Contents {
        lock.withLock {
            var copy = state
            copy.records = head == 0 ? ring : Array(ring[head...] + ring[..<head])
            copy.cutValueSizes = cutSizes
            let since = nowMs / 1000 - Self.windowSeconds
            func total(_ counts: [Int64: Int]) -> Int { counts.reduce(0) { $0 + ($1.key > since ? $1.value : 0) } }
            copy.arrivalsPerSecond = Double(total(arrived)) / Double(Self.windowSeconds)
            let (keptNow, skippedNow) = (total(kept), total(skipped))
            copy.samplingOneIn = skippedNow > 0 ? max(2, Int((Double(keptNow + skippedNow) / Double(max(keptNow, 1))).rounded())) : nil
            return copy
        }
    }

    // MARK: Writing (the session, and tests)

    /// Empties the ring for a new run and returns its number; records of older runs are refused.
    @discardableResult
    public func reset(mode: TailMode = .following) -> Int {
        lock.withLock {
            run += 1
            ring.removeAll(keepingCapacity: true)
            head = 0
            bytes = 0
            cutSizes = [:]
            skipped = [:]
            kept = [:]
            state.mode = mode
            state.newSincePause = 0
            state.error = nil
            state.generation += 1
            return run
        }
    }

    /// Starts a new run that keeps what is shown (reading on after a full ring), following.
    public func continueRun() -> Int {
        lock.withLock {
            run += 1
            state.mode = .following
            state.newSincePause = 0
            state.generation += 1
            return run
        }
    }

    /// Adds `records` (oldest first) as run `run`, dropping the oldest beyond the bounds.
    /// Returns false when the run is over (a jump or stop replaced it).
    @discardableResult
    public func append(_ records: [ConsumedRecord], run: Int, nowMs: Int64) -> Bool {
        lock.withLock {
            guard run == self.run else { return false }
            for var record in records {
                if let value = record.value, value.count > Self.maxValueBytes {
                    cutSizes[Self.id(record)] = value.count
                    record.value = Array(value.prefix(Self.maxValueBytes))
                }
                bytes += Self.size(record)
                if ring.count < capacity {
                    ring.append(record)
                } else {
                    evict(at: head)
                    ring[head] = record
                    head = (head + 1) % capacity
                }
            }
            while bytes > maxBytes, ring.count > 1 { dropOldest() }
            if !records.isEmpty {
                kept[nowMs / 1000, default: 0] += records.count
                state.generation += 1
            }
            prune(nowMs: nowMs)
            return true
        }
    }

    /// Counts records that reached the log (for the rate), and those the tail skipped to
    /// keep up (for the sampling note).
    public func recordTraffic(arrived count: Int, skipped skippedCount: Int = 0, run: Int, nowMs: Int64) {
        lock.withLock {
            guard run == self.run else { return }
            let second = nowMs / 1000
            if count > 0 { arrived[second, default: 0] += count }
            if skippedCount > 0 { skipped[second, default: 0] += skippedCount }
            if state.mode != .following { state.newSincePause += count }
            prune(nowMs: nowMs)
            if count > 0 || skippedCount > 0 { state.generation += 1 }
        }
    }

    public func setMode(_ mode: TailMode) {
        lock.withLock {
            if mode != state.mode, mode == .following { state.newSincePause = 0 }
            state.mode = mode
            state.generation += 1
        }
    }

    /// Sets (or clears) the error the view shows, for run `run`.
    public func setError(_ error: String?, run: Int) {
        lock.withLock {
            guard run == self.run, state.error != error else { return }
            state.error = error
            state.generation += 1
        }
    }

    /// True when the ring holds `capacity` records (a jump's read stops there).
    public var isFull: Bool { lock.withLock { ring.count >= capacity } }

    // MARK: Helpers

    /// A record's id in the view: `partition:offset`.
    /// Concatenated rather than interpolated: both parts and the result fit Swift's small-string
    /// form (15 bytes), so no allocation for the 5,000 ids a frame may need.
    public static func id(_ record: ConsumedRecord) -> String { String(record.partition) + ":" + String(record.offset) }

    private static func size(_ record: ConsumedRecord) -> Int {
        (record.key?.count ?? 0) + (record.value?.count ?? 0)
            + record.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) } + 64
    }

    private func evict(at index: Int) {
        bytes -= Self.size(ring[index])
        cutSizes[Self.id(ring[index])] = nil
    }

    private func dropOldest() {
        if ring.count < capacity, head == 0 {
            evict(at: 0)
            ring.removeFirst()
        } else {
            // Straighten the circle first so the oldest is at index 0.
            ring = Array(ring[head...] + ring[..<head])
            head = 0
            evict(at: 0)
            ring.removeFirst()
        }
    }

    private func prune(nowMs: Int64) {
        let oldest = nowMs / 1000 - Self.windowSeconds
        func pruned(_ counts: [Int64: Int]) -> [Int64: Int] { counts.count > 8 ? counts.filter { $0.key > oldest } : counts }
        arrived = pruned(arrived)
        kept = pruned(kept)
        skipped = pruned(skipped)
    }
}
