import KafkaProtocol
import LogStore

/// Broker lifecycle and leader election (Kafka's `ClusterControlManager` for
/// registration, heartbeats and fencing; `ReplicationControlManager` for what fencing
/// does to partitions).
extension Controller {
    /// Registers a broker incarnation and returns its epoch (the offset of its
    /// registration record, as Kafka's broker epochs). A broker that was live is first
    /// fenced (the old incarnation's leaderships move), as a restart does.
    ///
    /// Kafka registers a broker fenced and unfences it when it has caught up with the
    /// metadata; an in-process broker has the metadata at once, so by default it is
    /// unfenced in the same step. `startFenced` keeps it `registered` until `unfenceBroker`.
    @discardableResult
    public func registerBroker(id: Int32, rack: String? = nil, startFenced: Bool = false) throws(ControllerError) -> Int64 {
        guard id >= 0 else { throw .invalidRequest("Broker id \(id) is negative.") }
        return try withController { () throws(ControllerError) in
            if let old = state.brokers[id], old.state == .unfenced || old.state == .shuttingDown {
                try fenceLocked(id, reason: "re-registration")
            }
            let epoch = nextOffsetLocked
            try commitLocked([.registerBroker(brokerId: id, epoch: epoch, rack: rack)])
            state.recordHeartbeat(brokerId: id, atMs: scheduler.nowMs)
            publishLocked()
            logger.info("Registered broker \(id) with epoch \(epoch)")
            if !startFenced { try unfenceLocked(id) }
            return epoch
        }
    }

    /// A broker's heartbeat: it is alive. Resets its session timer
    /// (`broker.session.timeout.ms`). Not persisted (Kafka keeps heartbeats in memory too).
    /// A fenced broker stays fenced: it comes back through `registerBroker` or `unfenceBroker`.
    /// - Parameter epoch: when given, must be the broker's current epoch.
    public func heartbeat(brokerId id: Int32, epoch: Int64? = nil) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            guard let broker = state.brokers[id] else { throw .brokerIdNotRegistered(id) }
            if let epoch, epoch != broker.epoch {
                throw .staleBrokerEpoch("Broker \(id) epoch \(epoch) is not the current epoch \(broker.epoch).")
            }
            state.recordHeartbeat(brokerId: id, atMs: scheduler.nowMs)
            publishLocked()
            if broker.state == .unfenced || broker.state == .shuttingDown {
                scheduleSessionTimeoutLocked(id, afterMs: config.brokerSessionTimeoutMs)
            }
        }
    }

    /// A "kill": fences the broker at once and moves its leaderships to the first live ISR
    /// member; partitions with none go offline (leader -1) unless unclean election is
    /// enabled for the topic. Kafka's `fenceStaleBroker`. No-op for a fenced broker.
    public func fenceBroker(_ id: Int32) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            guard let broker = state.brokers[id] else { throw .brokerIdNotRegistered(id) }
            guard broker.state != .fenced else { return }
            try fenceLocked(id, reason: "fenced by request")
        }
    }

    /// Controlled shutdown (KIP-631 `wantShutDown`): the broker enters controlled shutdown
    /// and, in that same commit, every leadership it holds moves to another live ISR member
    /// and it leaves every ISR; only then, in a second commit, is it fenced. Observers thus
    /// see new leaders before the broker goes, unlike `fenceBroker`.
    public func controlledShutdown(_ id: Int32) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            guard let broker = state.brokers[id] else { throw .brokerIdNotRegistered(id) }
            guard broker.state == .unfenced else {
                if broker.state == .shuttingDown { try commitLocked([.brokerFenced(brokerId: id, epoch: broker.epoch)]) }
                return
            }
            let shuttingDown = MetadataRecord.brokerInControlledShutdown(brokerId: id, epoch: broker.epoch)
            try commitLocked([shuttingDown] + removalChangesLocked(of: id, after: shuttingDown))
            try commitLocked([.brokerFenced(brokerId: id, epoch: broker.epoch)])
            sessionTimers.removeValue(forKey: id)?.cancel()
            logger.info("Broker \(id) shut down in a controlled way")
        }
    }

    /// The broker is back: unfenced, it leads its leaderless partitions where it is in the
    /// ISR (or by unclean election where enabled); then, with `auto.leader.rebalance.enable`,
    /// preferred leaders are restored.
    public func unfenceBroker(_ id: Int32) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            guard let broker = state.brokers[id] else { throw .brokerIdNotRegistered(id) }
            guard broker.state != .unfenced else { return }
            try unfenceLocked(id)
        }
    }

    /// Preferred leader election for every partition (Kafka's ElectLeaders with
    /// PREFERRED, and its periodic auto rebalance): `replicas[0]` leads again wherever it
    /// is live and in the ISR. Offline partitions get a leader where one can be elected.
    /// Returns the partitions whose leader changed.
    @discardableResult
    public func preferredLeaderElection() throws(ControllerError) -> [TopicPartition] {
        try withController { () throws(ControllerError) in try electLeadersLocked(preferred: true) }
    }

    // MARK: Locked helpers

    func fenceLocked(_ id: Int32, reason: String) throws(ControllerError) {
        guard let broker = state.brokers[id] else { throw .brokerIdNotRegistered(id) }
        let fenced = MetadataRecord.brokerFenced(brokerId: id, epoch: broker.epoch)
        try commitLocked([fenced] + removalChangesLocked(of: id, after: fenced))
        sessionTimers.removeValue(forKey: id)?.cancel()
        logger.info("Fenced broker \(id) (\(reason)); offline partitions: \(state.offlinePartitions.count)")
    }

    func unfenceLocked(_ id: Int32) throws(ControllerError) {
        guard let broker = state.brokers[id] else { throw .brokerIdNotRegistered(id) }
        let unfenced = MetadataRecord.brokerUnfenced(brokerId: id, epoch: broker.epoch)
        var next = state
        try next.apply(unfenced, offset: nextOffsetLocked)
        let changes = partitionChanges(in: next) { _, _, partition in
            partition.isOffline && partition.replicas.contains(id) ? .clean : nil
        }
        try commitLocked([unfenced] + changes)
        state.recordHeartbeat(brokerId: id, atMs: scheduler.nowMs)
        publishLocked()
        scheduleSessionTimeoutLocked(id, afterMs: config.brokerSessionTimeoutMs)
        logger.info("Unfenced broker \(id)")
        if config.autoLeaderRebalanceEnable { try electLeadersLocked(preferred: true) }
    }

    /// The partition changes that take `id` out of leaderships and ISRs, computed on the
    /// image after `record` (which makes `id` unacceptable as a leader).
    private func removalChangesLocked(of id: Int32, after record: MetadataRecord) throws(ControllerError) -> [MetadataRecord] {
        var next = state
        try next.apply(record, offset: nextOffsetLocked)
        return partitionChanges(in: next) { _, _, partition in
            partition.leader == id || partition.isr.contains(id) ? .removing(id) : nil
        }
    }

    /// One election pass: offline partitions get a leader where possible; with
    /// `preferred`, partitions not led by their live, in-sync `replicas[0]` are moved to it.
    @discardableResult
    func electLeadersLocked(preferred: Bool) throws(ControllerError) -> [TopicPartition] {
        let changes = partitionChanges(in: state) { _, _, partition in
            if partition.isOffline { return .clean }
            return preferred && partition.leader != partition.preferredLeader ? .preferred : nil
        }
        try commitLocked(changes)
        let changed = Set(changes.compactMap { record -> TopicPartition? in
            guard case .partitionChange(let c) = record, c.leader != nil, let topic = state.topicsById[c.topicId] else { return nil }
            return TopicPartition(topic.name, c.partition)
        })
        if !changed.isEmpty { logger.info("Leader election moved \(changed.count) partitions") }
        return changed.sorted()
    }

    enum PartitionAction { case clean, preferred, removing(Int32) }

    /// Runs `PartitionChangeBuilder` on every partition `select` picks, against `image`.
    func partitionChanges(in image: MetadataImage,
                          _ select: (TopicImage, Int32, PartitionRegistration) -> PartitionAction?) -> [MetadataRecord] {
        var records: [MetadataRecord] = []
        for topic in image.topicsById.values.sorted(by: { $0.name < $1.name }) {
            let unclean = uncleanElectionEnabled(topic: topic.name, in: image)
            for partitionId in topic.partitions.keys.sorted() {
                let partition = topic.partitions[partitionId]!
                guard let action = select(topic, partitionId, partition) else { continue }
                var builder = PartitionChangeBuilder(topicId: topic.id, partitionId: partitionId, current: partition,
                                                     isAcceptable: { image.isActive($0) })
                builder.uncleanAllowed = unclean
                switch action {
                case .clean: break
                case .preferred: builder.election = .preferred
                case .removing(let broker): builder.removeFromIsr(broker)
                }
                if let change = builder.build() { records.append(.partitionChange(change)) }
            }
        }
        return records
    }

    /// `unclean.leader.election.enable`: the topic's override, else the cluster's setting.
    func uncleanElectionEnabled(topic: String, in image: MetadataImage) -> Bool {
        if let value = image.topicConfig(topic)["unclean.leader.election.enable"] { return value.lowercased() == "true" }
        return config.uncleanLeaderElectionEnable
    }

    // MARK: Session timeouts

    /// (Re)arms the broker's session timer. When it fires, a broker that has not
    /// heartbeated for `broker.session.timeout.ms` is fenced, as Kafka's
    /// `BrokerHeartbeatManager` fences stale brokers.
    func scheduleSessionTimeoutLocked(_ id: Int32, afterMs delay: Int64) {
        sessionTimers.removeValue(forKey: id)?.cancel()
        sessionTimers[id] = scheduler.schedule(afterMs: delay) { [weak self] in
            self?.sessionTimerFired(id)
        }
    }

    private func sessionTimerFired(_ id: Int32) {
        do throws(ControllerError) {
            try withController { () throws(ControllerError) in
                guard let broker = state.brokers[id], broker.state == .unfenced || broker.state == .shuttingDown else { return }
                let silentFor = scheduler.nowMs - (broker.lastHeartbeatMs ?? Int64.min / 2)
                if silentFor >= config.brokerSessionTimeoutMs {
                    try fenceLocked(id, reason: "no heartbeat for \(silentFor) ms, broker.session.timeout.ms is \(config.brokerSessionTimeoutMs)")
                } else {
                    scheduleSessionTimeoutLocked(id, afterMs: config.brokerSessionTimeoutMs - silentFor)
                }
            }
        } catch {
            logger.warning("Could not fence broker \(id) after its session timeout: \(error)")
        }
    }
}
