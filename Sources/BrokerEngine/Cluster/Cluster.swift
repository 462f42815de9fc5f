import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers

/// The in-process cluster: a controller and N brokers (Kafka in one process), the engine
/// that the console embeds and the wire server fronts.
///
/// The controller decides (topics, leaders, ISR); brokers follow its metadata changes: a
/// subscription applies every partition's new state to the brokers that host it, so
/// leadership moves, followers truncate and catch up, and deleted topics' files go away.
/// Brokers can be stopped — controlled (leadership moves first, logs closed cleanly) or
/// killed (fenced after the fact, logs recovered on restart) — and started again.
///
/// Thread-safe.
public final class Cluster: @unchecked Sendable {
    public let options: ClusterOptions
    public let controller: Controller
    let scheduler: any EngineScheduler
    let clock: any Clock
    let logger: Logger
    /// Records and bytes in and out per topic, broker and cluster, with a minute of history.
    public let traffic = TrafficMeter()
    /// Each consumer group's total lag, sampled on the traffic meter's tick with as many samples.
    public let groupLagHistory: GroupLagHistory
    /// Producer ids for InitProducerId, from blocks the controller persists.
    public let producerIds: ProducerIdManager
    private let brokers = NIOLockedValueBox([Int32: Broker]())
    /// The running brokers, for closures that must not hold the cluster (the offsets store).
    var brokerRegistry: NIOLockedValueBox<[Int32: Broker]> { brokers }
    private let groupCoordinator = NIOLockedValueBox<GroupCoordinator?>(nil)
    /// The next run of each periodic task, by name.
    private let timers = NIOLockedValueBox([String: any Cancellable]())
    private let closed = NIOLockedValueBox(false)
    /// Serialises broker starts and stops, so that two can't race on one broker and their
    /// events reach `brokerObservers` in the order they happened.
    private let lifecycleLock = NIOLock()
    let brokerObservers = BrokerLifecycleObservers()
    private var subscription: (any Cancellable)?

    /// Opens the cluster's data directory (replaying the controller's metadata log and
    /// recovering every broker's logs) and starts every broker.
    public init(options: ClusterOptions, scheduler: any EngineScheduler = DispatchScheduler(),
                clock: any Clock = SystemClock(), logger: Logger = Logger(label: "wharf.cluster")) throws {
        self.options = options
        self.scheduler = scheduler
        self.clock = clock
        self.logger = logger
        groupLagHistory = GroupLagHistory(historyLength: traffic.historyLength)
        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        controller = try Controller(dataDirectory: options.dataDirectory, config: options.cluster, scheduler: scheduler,
                                    logger: logger)
        let controller = self.controller
        producerIds = ProducerIdManager { try controller.allocateProducerIds(brokerId: 1) }
        subscription = controller.subscribe { [weak self] change in self?.apply(change) }.subscription
        for id in 1...Int32(max(options.brokerCount, 1)) { try startBroker(id) }
        try ensureOffsetsTopic()
        let coordinator = try GroupCoordinator(config: options.groups, scheduler: scheduler, store: makeOffsetsStore(),
                                               logger: logger)
        groupCoordinator.withLockedValue { $0 = coordinator }
        schedulePeriodic("heartbeat", every: options.heartbeatIntervalMs) { $0.heartbeats() }
        schedulePeriodic("isr-check", every: options.effectiveIsrCheckIntervalMs) {
            $0.forEachBroker { $0.replicaManager.checkIsrChanges() }
        }
        schedulePeriodic("checkpoint", every: options.replication.highWatermarkCheckpointIntervalMs) { $0.checkpoint() }
        schedulePeriodic("retention", every: options.retentionCheckIntervalMs) { $0.enforceRetention() }
        // One tick for every sparkline: rates and group lag sample together, so their
        // histories cover the same seconds.
        schedulePeriodic("traffic", every: 1_000) { cluster in
            cluster.traffic.sample(nowMs: cluster.scheduler.nowMs)
            cluster.sampleGroupLag()
        }
    }

    /// The consumer group coordinator (classic protocol), persisting to `__consumer_offsets`.
    public var groups: GroupCoordinator {
        // Set at the end of init, before anyone can hold the cluster.
        groupCoordinator.withLockedValue { $0! }
    }

    // MARK: Brokers

    /// Ids of the brokers running now.
    public var runningBrokerIds: [Int32] { brokers.withLockedValue { $0.keys.sorted() } }

    public func broker(_ id: Int32) -> Broker? { brokers.withLockedValue { $0[id] } }

    /// Starts broker `id` over its directory: its logs are recovered, it registers with the
    /// controller (which unfences it and may give it leaderships back), and it starts
    /// following the partitions it hosts.
    public func startBroker(_ id: Int32) throws {
        try withBrokerLifecycle {
            guard broker(id) == nil else { return }
            try makeBroker(id)
            brokerObservers.notify(.started(id))
        }
    }

    /// Runs `body` while no broker starts or stops.
    func withBrokerLifecycle<T>(_ body: () throws -> T) rethrows -> T {
        try lifecycleLock.withLock(body)
    }

    /// `startBroker`'s work, with the lifecycle lock held.
    private func makeBroker(_ id: Int32) throws {
        let controller = self.controller
        let broker = try Broker(
            id: id, dataDirectory: options.dataDirectory, config: options.replication, scheduler: scheduler, clock: clock,
            logger: logger, traffic: traffic, topicConfig: { [weak self] topic in self?.logConfig(topic) ?? LogConfig() },
            alterPartition: { tp, leader, leaderEpoch, partitionEpoch, isr in
                guard let state = try? controller.alterPartition(tp, leaderId: leader, leaderEpoch: leaderEpoch,
                                                                  partitionEpoch: partitionEpoch, newIsr: isr.sorted())
                else { return nil }
                return (Set(state.isr), state.partitionEpoch)
            },
            leaders: { [weak self] leaderId in self?.broker(leaderId)?.replicaManager })
        try writeMetaProperties(brokerId: id, directory: broker.directory)
        // Wake only the brokers that follow the partition appended to.
        broker.replicaManager.onLeaderAppend { [weak self] tp in
            guard let self, let replicas = self.controller.image.partition(tp)?.replicas else { return }
            for replica in replicas where replica != id { self.broker(replica)?.fetcher.wakeUp() }
        }
        brokers.withLockedValue { $0[id] = broker }
        // Host what the metadata already assigns to it, as followers until elections say
        // otherwise, then register: the controller unfences it and elects where it can.
        let image = controller.image
        for (tp, registration) in image.allPartitions where registration.replicas.contains(id) {
            try broker.replicaManager.applyPartitionState(tp, Self.state(registration), config: logConfig(tp.topic, image))
        }
        try controller.registerBroker(id: id)
        broker.startFetching()
        logger.info("Broker \(id) started")
    }

    /// Stops broker `id`. Controlled: the controller moves its leaderships first, then its
    /// logs are closed with checkpoints. Otherwise it is killed: it stops at once and the
    /// controller fences it, so its partitions elect new leaders from their ISR.
    public func stopBroker(_ id: Int32, controlled: Bool = true) throws {
        try withBrokerLifecycle {
            guard let broker = broker(id) else { return }
            if controlled { try controller.controlledShutdown(id) }
            brokers.withLockedValue { _ = $0.removeValue(forKey: id) }
            // As a Kafka broker shuts its socket server down before its logs.
            brokerObservers.notify(.stopped(id, controlled: controlled))
            broker.stop(clean: controlled)
            if !controlled { try controller.fenceBroker(id) }
        }
    }

    /// Stops every broker cleanly and closes the controller. The cluster can't be used after.
    public func shutdown() {
        let first = closed.withLockedValue { state -> Bool in
            defer { state = true }
            return !state
        }
        guard first else { return }
        timers.withLockedValue { timers in
            for timer in timers.values { timer.cancel() }
            timers = [:]
        }
        for id in runningBrokerIds {
            do { try stopBroker(id, controlled: true) } catch { logger.error("Broker \(id) did not stop cleanly: \(error)") }
        }
        groupCoordinator.withLockedValue { $0 }?.shutdown()
        subscription?.cancel()
        controller.close()
    }

    /// The broker that leads `topicPartition` now, if it is running.
    public func leader(of topicPartition: TopicPartition) -> Broker? {
        guard let registration = controller.image.partition(topicPartition), registration.leader >= 0 else { return nil }
        return broker(registration.leader)
    }

    func forEachBroker(_ body: (Broker) -> Void) {
        for broker in brokers.withLockedValue({ Array($0.values) }) { body(broker) }
    }

    // MARK: Following the controller

    static func state(_ registration: PartitionRegistration) -> PartitionState {
        PartitionState(leader: registration.leader, leaderEpoch: registration.leaderEpoch,
                       partitionEpoch: registration.partitionEpoch, replicas: registration.replicas, isr: registration.isr)
    }

    /// A topic's log config: Kafka's defaults with its overrides.
    func logConfig(_ topic: String, _ image: MetadataImage? = nil) -> LogConfig {
        let overrides = (image ?? controller.image).topicConfig(topic)
        do { return try LogConfig(properties: overrides) } catch {
            logger.error("Topic \(topic) has an invalid config (\(error)); using the defaults")
            return LogConfig()
        }
    }

    /// Applies a committed metadata change to the running brokers: new partition states
    /// (leaders, ISR, epochs), deleted topics, changed topic configs.
    private func apply(_ change: MetadataChange) {
        let running = brokers.withLockedValue { $0 }
        for topic in change.deletedTopics {
            for broker in running.values {
                for partition in topic.partitions.keys {
                    do {
                        try broker.replicaManager.stopReplica(TopicPartition(topic.name, partition), delete: true)
                    } catch {
                        logger.error("Broker \(broker.id) could not delete \(topic.name)-\(partition): \(error)")
                    }
                }
            }
        }
        for (tp, registration) in change.image.allPartitions where change.previous.partition(tp) != registration
            || change.previous.topicConfig(tp.topic) != change.image.topicConfig(tp.topic) {
            let config = logConfig(tp.topic, change.image)
            for replica in registration.replicas {
                guard let broker = running[replica] else { continue }
                do {
                    try broker.replicaManager.applyPartitionState(tp, Self.state(registration), config: config)
                    broker.replicaManager.logDirectory.partition(tp)?.updateConfig(config)
                } catch {
                    logger.error("Broker \(replica) could not take its part in \(tp): \(error)")
                }
            }
        }
    }

    // MARK: Periodic work

    private func schedulePeriodic(_ name: String, every intervalMs: Int64, _ work: @escaping @Sendable (Cluster) -> Void) {
        let timer = scheduler.schedule(afterMs: intervalMs) { [weak self] in
            guard let self, !self.closed.withLockedValue({ $0 }) else { return }
            work(self)
            self.schedulePeriodic(name, every: intervalMs, work)
        }
        timers.withLockedValue { $0[name] = timer }
    }

    /// Every running broker heartbeats. One the controller fenced while it kept running (its
    /// heartbeats stalled past `broker.session.timeout.ms`) asks to be unfenced again, as a
    /// Kafka broker does once it is caught up (its heartbeat's `WantFence` turns false).
    private func heartbeats() {
        for id in runningBrokerIds {
            do {
                try controller.heartbeat(brokerId: id)
                if controller.image.brokers[id]?.state == .fenced {
                    logger.info("Broker \(id) is running again after its session timed out; unfencing it")
                    try controller.unfenceBroker(id)
                }
            } catch {
                logger.warning("Heartbeat of broker \(id) failed: \(error)")
            }
        }
    }

    private func checkpoint() {
        forEachBroker { broker in
            do {
                try broker.replicaManager.checkpointHighWatermarks()
                try broker.replicaManager.logDirectory.checkpoint()
            } catch {
                logger.error("Broker \(broker.id) could not write its checkpoints: \(error)")
            }
        }
    }

    /// Retention on every hosted log, never past the high watermark (Kafka's log cleanup
    /// task), then compaction of the `__consumer_offsets` partitions that changed.
    private func enforceRetention() {
        forEachBroker { broker in
            for tp in broker.replicaManager.hostedPartitions {
                guard let log = broker.replicaManager.logDirectory.partition(tp) else { continue }
                do {
                    _ = try log.deleteOldSegments(highWatermark: broker.replicaManager.highWatermark(tp))
                    log.removeExpiredProducers()
                } catch {
                    logger.error("Retention of \(tp) on broker \(broker.id) failed: \(error)")
                }
            }
        }
        compactOffsetsTopic()
    }

    /// `meta.properties`, as a KRaft broker writes it in each log directory.
    private func writeMetaProperties(brokerId: Int32, directory: String) throws {
        let text = "#\n#Written by Wharf\nnode.id=\(brokerId)\nversion=1\ncluster.id=\(controller.clusterId)\n"
        let path = directory + "/meta.properties"
        if (try? String(contentsOfFile: path, encoding: .utf8)) == text { return }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
