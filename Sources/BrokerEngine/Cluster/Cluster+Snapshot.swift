import LogStore

extension Cluster {
    /// The cluster now, for observers. It reads the controller's published image, each
    /// partition's offsets and sizes and the group coordinator's groups under their short
    /// locks, copying values and doing no I/O itself, so produce and fetch never wait for
    /// it. (It can wait for them: a group commit holds the coordinator's lock while it
    /// appends to `__consumer_offsets`.)
    ///
    /// Segments are not included: listing them reads each segment's first batch header from
    /// disk under the partition's log lock the first time, which would stall appends to
    /// every partition at once. `segments(of:)` lists one partition's on demand.
    public func snapshot() -> ClusterSnapshot {
        let image = controller.image
        let running = Dictionary(uniqueKeysWithValues: runningBrokerIds.compactMap { id in broker(id).map { (id, $0) } })
        var topics: [TopicSnapshot] = []
        var leaderCounts: [Int32: Int] = [:], replicaCounts: [Int32: Int] = [:], bytes: [Int32: Int] = [:]
        // For group lag, from leaders only, as `sampleGroupLag` reads them (an offline
        // partition's lag is unknown).
        var highWatermarks: [TopicPartition: Int64] = [:]
        for name in image.topicNames {
            guard let topic = image.topic(named: name) else { continue }
            var partitions: [PartitionSnapshot] = []
            for (index, registration) in topic.partitions.sorted(by: { $0.key < $1.key }) {
                let tp = TopicPartition(name, index)
                if registration.leader >= 0 { leaderCounts[registration.leader, default: 0] += 1 }
                for replica in registration.replicas {
                    replicaCounts[replica, default: 0] += 1
                    if let log = running[replica]?.replicaManager.logDirectory.partition(tp) { bytes[replica, default: 0] += log.size }
                }
                let leader = running[registration.leader]
                let source = leader ?? registration.replicas.lazy.compactMap { running[$0] }.first
                let log = source?.replicaManager.logDirectory.partition(tp)
                let highWatermark = source?.replicaManager.highWatermark(tp)
                if leader != nil { highWatermarks[tp] = highWatermark }
                partitions.append(PartitionSnapshot(
                    partition: index, leader: registration.leader, leaderEpoch: registration.leaderEpoch,
                    replicas: registration.replicas, isr: registration.isr, logStartOffset: log?.logStartOffset ?? 0,
                    highWatermark: highWatermark ?? 0, logEndOffset: log?.logEndOffset ?? 0,
                    sizeBytes: log?.size ?? 0, segmentCount: log?.segmentCount ?? 0))
            }
            topics.append(TopicSnapshot(
                name: name, id: topic.id.description, partitions: partitions, configOverrides: image.topicConfig(name),
                rates: traffic.currentRates(.topic(name)), rateHistory: traffic.history(.topic(name))))
        }
        let brokerIds = Set(image.brokers.keys).union(running.keys).sorted()
        let brokers = brokerIds.map { id -> BrokerSnapshot in
            let state: BrokerSnapshot.State = running[id] == nil ? .stopped : (image.isActive(id) ? .up : .fenced)
            return BrokerSnapshot(id: id, state: state, leaderCount: leaderCounts[id] ?? 0, replicaCount: replicaCounts[id] ?? 0,
                                  bytesOnDisk: bytes[id] ?? 0, rates: traffic.currentRates(.broker(id)))
        }
        return ClusterSnapshot(
            takenAtMs: scheduler.nowMs, clusterId: controller.clusterId.description, brokers: brokers, topics: topics,
            groups: groupSnapshots(highWatermarks: highWatermarks),
            rates: traffic.currentRates(.cluster), rateHistory: traffic.history(.cluster))
    }

    /// The segments of a partition's log, from its leader (or a live replica): for the
    /// console's segment view, which shows one partition at a time.
    public func segments(of topicPartition: TopicPartition) -> [SegmentInfo] {
        guard let registration = controller.image.partition(topicPartition) else { return [] }
        let candidates = [registration.leader] + registration.replicas
        for id in candidates {
            if let log = broker(id)?.replicaManager.logDirectory.partition(topicPartition) { return log.segmentInfos() }
        }
        return []
    }
}
