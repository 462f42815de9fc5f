import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers

/// The cluster's controller (Kafka's KRaft `QuorumController`, with one voter and in
/// process): it owns the metadata — brokers, topics and their ids, partition assignments,
/// leaders, leader and partition epochs, ISRs, topic configs, producer id blocks — and
/// changes it only by appending `MetadataRecord`s to its metadata log (`MetadataLog`),
/// replayed into a `MetadataImage` at start, so a restart restores everything.
///
/// Concerns live in extensions: topics (`+Topics`), configs (`+Configs`), broker lifecycle
/// and leader election (`+Brokers`), AlterPartition and producer ids (`+Partitions`).
///
/// Thread-safe. Every operation runs under one lock (`NIOLock`), from validation to the
/// synced append, so operations are serialised as KRaft's single controller thread
/// serialises them; a change becomes visible (in `image` and to subscribers) only once it
/// is on disk. `image` reads a separately locked copy, so readers never wait for a disk
/// write. Subscribers are called after the lock is released, one change at a time and in
/// commit order; a subscriber may call back into the controller.
public final class Controller: @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock` (below) or is a NIOLockedValueBox.
    public let dataDirectory: String
    public let config: ClusterConfig
    let scheduler: any EngineScheduler
    let logger: Logger
    private let lock = NIOLock()
    // Guarded by `lock`:
    private var log: MetadataLog?
    /// The working image: always equal to the log's contents.
    var state = MetadataImage()
    var random: SplitMix64
    var sessionTimers: [Int32: any Cancellable] = [:]
    private var rebalanceTimer: (any Cancellable)?

    private let published = NIOLockedValueBox(MetadataImage())
    private let delivery = NIOLockedValueBox(Delivery())

    /// Opens (creating) the metadata log under `<dataDirectory>/controller/` and replays it.
    /// The first start writes a new cluster id. Brokers that were unfenced get a full
    /// session timeout to heartbeat again, as after a KRaft controller failover.
    /// - Parameter seed: fixes replica placement and generated ids (tests); nil is random.
    public init(dataDirectory: String, config: ClusterConfig = ClusterConfig(), scheduler: any EngineScheduler,
                seed: UInt64? = nil, logger: Logger = Logger(label: "wharf.controller")) throws(ControllerError) {
        self.dataDirectory = dataDirectory
        self.config = config
        self.scheduler = scheduler
        self.logger = logger
        var system = SystemRandomNumberGenerator()
        self.random = SplitMix64(seed: seed ?? system.next())
        let metadataLog = try MetadataLog(directory: dataDirectory + "/controller", clock: { [scheduler] in scheduler.nowMs },
                                          logger: logger)
        var image = MetadataImage()
        do throws(ControllerError) {
            for (offset, record) in try metadataLog.readAll() { try image.apply(record, offset: offset) }
        } catch {
            metadataLog.close()
            throw error
        }
        log = metadataLog
        state = image
        published.withLockedValue { $0 = image }
        logger.info("Controller replayed \(image.lastOffset + 1) metadata records: \(image.brokers.count) brokers, \(image.topicsById.count) topics")
        try withController { () throws(ControllerError) in
            if state.clusterId == nil {
                try commitLocked([.clusterId(KafkaUUID.random(using: &random))])
            }
            let now = scheduler.nowMs
            for broker in state.brokers.values where broker.state == .unfenced || broker.state == .shuttingDown {
                state.recordHeartbeat(brokerId: broker.id, atMs: now)
                scheduleSessionTimeoutLocked(broker.id, afterMs: config.brokerSessionTimeoutMs)
            }
            published.withLockedValue { $0 = state }
            scheduleRebalanceLocked()
        }
    }

    /// The current metadata: a snapshot, never changing under the reader.
    public var image: MetadataImage { published.withLockedValue { $0 } }

    /// The cluster id persisted on first start.
    public var clusterId: KafkaUUID { image.clusterId! }

    /// Stops the timers and closes the metadata log; later operations throw `closed`.
    public func close() {
        lock.withLock {
            for timer in sessionTimers.values { timer.cancel() }
            sessionTimers = [:]
            rebalanceTimer?.cancel()
            rebalanceTimer = nil
            log?.close()
            log = nil
        }
    }

    // MARK: Running operations

    /// Runs `body` under the lock (refusing once closed), then delivers the changes it made.
    func withController<T>(_ body: () throws(ControllerError) -> T) throws(ControllerError) -> T {
        defer { deliverPendingChanges() }
        lock.lock()
        defer { lock.unlock() }
        guard log != nil else { throw .closed }
        return try body()
    }

    /// The offset the next committed record gets (broker epochs are taken from it).
    var nextOffsetLocked: Int64 { log?.nextOffset ?? 0 }

    /// Appends `records` as one batch (synced), then applies them to the image and queues
    /// the change for subscribers. The records are applied to a copy first, so a record
    /// that does not fit (a controller bug) never reaches the disk.
    func commitLocked(_ records: [MetadataRecord]) throws(ControllerError) {
        guard !records.isEmpty else { return }
        guard let log else { throw .closed }
        var next = state
        let base = log.nextOffset
        for (index, record) in records.enumerated() { try next.apply(record, offset: base + Int64(index)) }
        let first = try log.append(records)
        assert(first == base, "the metadata log moved under the controller lock")
        let previous = state
        state = next
        published.withLockedValue { $0 = next }
        let change = MetadataChange(previous: previous, image: next, records: records)
        delivery.withLockedValue { $0.pending.append((change, $0.subscribers.sorted { $0.key < $1.key }.map(\.value))) }
    }

    /// Publishes a change to the image that is not a record (a heartbeat time).
    func publishLocked() {
        published.withLockedValue { $0 = state }
    }

    // MARK: Subscriptions

    /// Calls `handler` with every later change, in commit order; returns the image the
    /// changes start from, so a subscriber misses nothing and sees nothing twice.
    public func subscribe(_ handler: @escaping @Sendable (MetadataChange) -> Void) -> (image: MetadataImage, subscription: any Cancellable) {
        lock.withLock {
            let id = delivery.withLockedValue { d -> UInt64 in
                d.nextId += 1
                d.subscribers[d.nextId] = handler
                return d.nextId
            }
            return (state, Unsubscriber(box: delivery, id: id))
        }
    }

    /// The changes as an AsyncStream (ends when the stream is dropped or the task cancelled).
    public func changes() -> (image: MetadataImage, stream: AsyncStream<MetadataChange>) {
        let (stream, continuation) = AsyncStream<MetadataChange>.makeStream()
        let (image, subscription) = subscribe { continuation.yield($0) }
        continuation.onTermination = { _ in subscription.cancel() }
        return (image, stream)
    }

    private func deliverPendingChanges() {
        let claimed = delivery.withLockedValue { d -> Bool in
            guard !d.delivering, !d.pending.isEmpty else { return false }
            d.delivering = true
            return true
        }
        guard claimed else { return }
        while true {
            let next = delivery.withLockedValue { d -> (MetadataChange, [@Sendable (MetadataChange) -> Void])? in
                guard !d.pending.isEmpty else {
                    d.delivering = false
                    return nil
                }
                return d.pending.removeFirst()
            }
            guard let (change, handlers) = next else { return }
            for handler in handlers { handler(change) }
        }
    }

    // MARK: Periodic leader rebalance

    /// Kafka's `auto.leader.rebalance.enable` check, every `leader.imbalance.check.interval`.
    private func scheduleRebalanceLocked() {
        guard config.autoLeaderRebalanceEnable else { return }
        rebalanceTimer = scheduler.schedule(afterMs: config.leaderImbalanceCheckIntervalMs) { [weak self] in
            guard let self else { return }
            do throws(ControllerError) {
                try self.withController { () throws(ControllerError) in
                    self.scheduleRebalanceLocked()
                    try self.electLeadersLocked(preferred: true)
                }
            } catch {
                self.logger.warning("Periodic leader election failed: \(error)")
            }
        }
    }
}

/// One committed change: the image before and after, and the records between them. The
/// replica manager diffs the two images (new leaders, ISR changes, deleted topics).
public struct MetadataChange: Sendable {
    public let previous: MetadataImage
    public let image: MetadataImage
    public let records: [MetadataRecord]

    /// Topics this change deleted (their files are the brokers' to remove).
    public var deletedTopics: [TopicImage] {
        records.compactMap { if case .removeTopic(let id) = $0 { previous.topicsById[id] } else { nil } }
    }
}

private struct Delivery {
    var subscribers: [UInt64: @Sendable (MetadataChange) -> Void] = [:]
    var nextId: UInt64 = 0
    /// Each change with the subscribers at commit time.
    var pending: [(MetadataChange, [@Sendable (MetadataChange) -> Void])] = []
    var delivering = false
}

private struct Unsubscriber: Cancellable {
    let box: NIOLockedValueBox<Delivery>
    let id: UInt64
    func cancel() { box.withLockedValue { _ = $0.subscribers.removeValue(forKey: id) } }
}
