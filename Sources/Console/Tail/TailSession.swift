import Foundation

/// Follows one topic (all its partitions, or one) off the UI thread and keeps the newest
/// records in a `MessageRing` the view reads each frame. One detached Task per run: a jump
/// (`restart`) cancels the run and starts another, `stop` ends it, and records from a run
/// that is over are refused by the ring, so nothing stale lands after a jump.
///
/// Keeping up: each read asks for about `maxReadBytes`. When following and a partition is
/// further behind its high watermark than its share of the ring, what lies between could
/// never be shown (the ring keeps the newest), so the session skips ahead and the ring
/// reports that it is sampling. After a jump it reads on from the jump point without
/// skipping, and pauses itself when the ring is full, so the records jumped to stay on screen.
///
/// Thread-safe: its methods are called from the UI thread; the run works on the backend.
public final class TailSession: @unchecked Sendable {
    public let topic: String
    /// The partition tailed, or nil for all.
    public let partition: Int32?
    public let ring: MessageRing
    public private(set) var start: TailStart
    private let lock = NSLock()
    private var backend: (any ClusterBackend)?
    private var task: Task<Void, Never>?
    private var clock: @Sendable () -> Int64

    /// Bytes asked for per read, and how long a read waits for new records.
    static let maxReadBytes = 1 << 20
    static let maxWaitMs = 200
    /// While following, reads start at most this often: the screen shows ~10 frames a second,
    /// so reading a busy topic in a tight loop of small reads only took cores from the brokers
    /// (ConsoleBench: the producer fell to 0.22x of its rate). Paced, a read takes up to
    /// `maxReadBytes` at once, and a topic faster than that is sampled (the ring keeps the newest).
    static let followReadInterval: Duration = .milliseconds(100)
    /// Pause between retries when the topic cannot be read (no leader, deleted).
    static let retryMs = 500

    public init(topic: String, partition: Int32? = nil, start: TailStart = .defaultEnd, ring: MessageRing = MessageRing(),
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.topic = topic
        self.partition = partition
        self.start = start
        self.ring = ring
        self.clock = clock
    }

    deinit { task?.cancel() }

    public var isRunning: Bool { lock.withLock { task != nil } }

    /// Starts reading through `backend` from `start` (no-op when already running), timing
    /// rates with `clock` (the console's, so tests can fix it).
    public func begin(backend: any ClusterBackend, clock: (@Sendable () -> Int64)? = nil) {
        lock.withLock {
            self.backend = backend
            if let clock { self.clock = clock }
        }
        if !isRunning { restart(from: start) }
    }

    /// Starts over from `start`: empties the ring and begins a new run.
    public func restart(from start: TailStart) {
        lock.withLock {
            task?.cancel()
            self.start = start
            guard let backend else { return }
            let following: Bool
            if case .end = start { following = true } else { following = false }
            let run = ring.reset(mode: .following)
            let reader = TailRun(topic: topic, partition: partition, start: start, ring: ring, run: run, backend: backend,
                                 skipsAhead: following, clock: clock)
            launch(reader)
        }
    }

    /// Pauses or resumes; resuming after the ring filled follows again (skipping ahead).
    public func togglePause() {
        switch ring.mode {
        case .following: ring.setMode(.paused)
        case .paused: ring.setMode(.following)
        case .pausedFull: restartFollowingFromHere()
        }
    }

    /// Stops the run. Safe to call more than once.
    public func stop() {
        let running = lock.withLock { () -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        ring.reset(mode: .paused)
    }

    /// Stops and waits (polling, bounded) until no run is left: for tests. True when none is.
    @discardableResult
    public func stopAndWait(timeoutMs: Int = 5_000) async -> Bool {
        stop()
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while activeRuns > 0, Date() < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return activeRuns == 0
    }

    /// Runs whose Task has not returned yet (a cancelled run ends at its next await).
    public var activeRuns: Int { lock.withLock { runsAlive } }
    private var runsAlive = 0

    /// Starts `reader` in a detached Task, counted in `activeRuns`. Called with the lock held.
    private func launch(_ reader: TailRun) {
        runsAlive += 1
        task = Task.detached { [weak self] in
            await reader.loop()
            guard let self else { return }
            self.lock.withLock { self.runsAlive -= 1 }
        }
    }

    /// After a jump's read filled the ring: keep what is shown and read on, following.
    private func restartFollowingFromHere() {
        lock.withLock {
            guard let backend else { return }
            task?.cancel()
            // Continue each partition after the newest record shown.
            var next: [Int32: Int64] = [:]
            for record in ring.contents(nowMs: clock()).records { next[record.partition] = max(next[record.partition] ?? 0, record.offset + 1) }
            let run = ring.continueRun()
            let reader = TailRun(topic: topic, partition: partition, start: start, ring: ring, run: run, backend: backend,
                                 skipsAhead: true, clock: clock, resumeAt: next)
            launch(reader)
        }
    }
}

/// One run of a tail: resolves the start offsets, then reads until cancelled.
struct TailRun: Sendable {
    let topic: String
    let partition: Int32?
    let start: TailStart
    let ring: MessageRing
    let run: Int
    let backend: any ClusterBackend
    /// Following: skip ahead when further behind than the ring could show.
    let skipsAhead: Bool
    let clock: @Sendable () -> Int64
    /// Positions to continue from (resuming after a full ring); others from `start`.
    var resumeAt: [Int32: Int64] = [:]

    func loop() async {
        var nextReadStart = ContinuousClock.now
        var positions: [Int32: Int64] = [:]
        var highWatermarks: [Int32: Int64] = [:]
        while !Task.isCancelled, positions.isEmpty {
            do {
                (positions, highWatermarks) = try await startingPositions()
                ring.setError(positions.isEmpty ? "No partition of \(topic) has a leader" : nil, run: run)
            } catch {
                ring.setError("\(error)", run: run)
            }
            if positions.isEmpty { try? await Task.sleep(for: .milliseconds(TailSession.retryMs)) }
        }
        while !Task.isCancelled {
            if ring.mode != .following {
                await watchWhilePaused(&highWatermarks)
                continue
            }
            if skipsAhead {
                try? await Task.sleep(until: nextReadStart, clock: .continuous)
                guard !Task.isCancelled else { return }
                nextReadStart = ContinuousClock.now + TailSession.followReadInterval
                skipAhead(&positions, highWatermarks: highWatermarks)
            }
            do {
                let read = try await backend.readRecords(topic: topic, from: positions, maxBytes: TailSession.maxReadBytes,
                                                         maxWaitMs: TailSession.maxWaitMs)
                guard !Task.isCancelled else { return }
                let failed = apply(read, positions: &positions, highWatermarks: &highWatermarks)
                if failed { try? await Task.sleep(for: .milliseconds(TailSession.retryMs)) }
            } catch {
                ring.setError("\(error)", run: run)
                try? await Task.sleep(for: .milliseconds(TailSession.retryMs))
            }
        }
    }

    /// Start offsets per partition, and the high watermarks they were measured against.
    private func startingPositions() async throws -> ([Int32: Int64], [Int32: Int64]) {
        let partitions = try await partitionsTailed()
        let latest = try await backend.listOffsets(topic: topic, partitions: partitions, .latest)
        let earliest = try await backend.listOffsets(topic: topic, partitions: partitions, .earliest)
        var positions: [Int32: Int64] = [:]
        switch start {
        case .end(let count):
            for (p, hw) in latest { positions[p] = max(earliest[p] ?? 0, hw - Int64(max(0, count))) }
        case .beginning:
            positions = earliest
        case .offset(let offset, let only):
            for (p, hw) in latest {
                // Other partitions than the one jumped in carry on from their end.
                positions[p] = only == nil || only == p ? min(max(offset, earliest[p] ?? 0), hw) : hw
            }
        case .timestamp(let ms):
            positions = try await backend.listOffsets(topic: topic, partitions: partitions, .timestamp(ms))
        }
        for (p, offset) in resumeAt where positions[p] != nil { positions[p] = offset }
        return (positions.filter { latest[$0.key] != nil }, latest)
    }

    private func partitionsTailed() async throws -> [Int32] {
        if let partition { return [partition] }
        let snapshot = try await backend.snapshot()
        guard let topic = snapshot.topics.first(where: { $0.name == self.topic }) else {
            throw BackendError("No topic \(self.topic)")
        }
        return topic.partitions.map(\.partition).sorted()
    }

    /// Following and behind by more than a partition's share of the ring: jump to the newest
    /// share, counting what is skipped.
    private func skipAhead(_ positions: inout [Int32: Int64], highWatermarks: [Int32: Int64]) {
        let share = Int64(max(50, ring.capacity / max(1, positions.count)))
        var skipped = 0
        for (p, position) in positions {
            guard let hw = highWatermarks[p], hw - position > share else { continue }
            skipped += Int(hw - share - position)
            positions[p] = hw - share
        }
        if skipped > 0 { ring.recordTraffic(arrived: 0, skipped: skipped, run: run, nowMs: clock()) }
    }

    /// Takes in one read; true when every partition failed (then the loop waits a little).
    private func apply(_ read: [Int32: PartitionRecords], positions: inout [Int32: Int64],
                       highWatermarks: inout [Int32: Int64]) -> Bool {
        var byPartition: [[ConsumedRecord]] = []
        var arrived = 0
        var errors: [String] = []
        for (p, result) in read.sorted(by: { $0.key < $1.key }) {
            if result.highWatermark >= 0 {
                arrived += Int(max(0, result.highWatermark - (highWatermarks[p] ?? result.highWatermark)))
                highWatermarks[p] = result.highWatermark
            }
            if let error = result.error {
                errors.append("partition \(p): \(error)")
                // Deleted by retention, or truncated: carry on from the nearest valid offset.
                if result.logStartOffset >= 0, let position = positions[p], position < result.logStartOffset {
                    positions[p] = result.logStartOffset
                } else if result.highWatermark >= 0, let position = positions[p], position > result.highWatermark {
                    positions[p] = result.highWatermark
                }
            }
            byPartition.append(result.records)
            positions[p] = max(positions[p] ?? 0, result.nextOffset)
        }
        var records = Self.mergedByTime(byPartition)
        if !skipsAhead { keepRoom(&records, positions: &positions) }
        let now = clock()
        ring.recordTraffic(arrived: arrived, run: run, nowMs: now)
        ring.append(records, run: run, nowMs: now)
        ring.setError(errors.isEmpty ? nil : errors.joined(separator: "; "), run: run)
        if !skipsAhead, ring.isFull { ring.setMode(.pausedFull) }
        return !read.isEmpty && errors.count == read.count
    }

    /// Interleaves partitions by timestamp, keeping each partition in offset order, so a
    /// read of several partitions (the back-fill above all) reads as one timeline.
    static func mergedByTime(_ partitions: [[ConsumedRecord]]) -> [ConsumedRecord] {
        let lists = partitions.filter { !$0.isEmpty }
        guard lists.count > 1 else { return lists.first ?? [] }
        var heads = lists.map { _ in 0 }
        var merged: [ConsumedRecord] = []
        merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        while true {
            var best: Int?
            for (index, list) in lists.enumerated() where heads[index] < list.count {
                if best == nil || list[heads[index]].timestamp < lists[best!][heads[best!]].timestamp { best = index }
            }
            guard let chosen = best else { return merged }
            merged.append(lists[chosen][heads[chosen]])
            heads[chosen] += 1
        }
    }

    /// After a jump, only as many records as the ring has room for, so the first ones read
    /// (the jump point) stay; the rest are read again after a resume.
    private func keepRoom(_ records: inout [ConsumedRecord], positions: inout [Int32: Int64]) {
        let room = max(0, ring.capacity - ring.count)
        guard records.count > room else { return }
        for record in records[room...] { positions[record.partition] = min(positions[record.partition] ?? record.offset, record.offset) }
        records.removeLast(records.count - room)
    }

    /// Paused: no reading, but the high watermarks are watched so the rate and the count
    /// of new records stay live.
    private func watchWhilePaused(_ highWatermarks: inout [Int32: Int64]) async {
        try? await Task.sleep(for: .milliseconds(250))
        guard !Task.isCancelled,
              let latest = try? await backend.listOffsets(topic: topic, partitions: Array(highWatermarks.keys), .latest)
        else { return }
        var arrived = 0
        for (p, hw) in latest {
            arrived += Int(max(0, hw - (highWatermarks[p] ?? hw)))
            highWatermarks[p] = hw
        }
        ring.recordTraffic(arrived: arrived, run: run, nowMs: clock())
    }
}

