import LogStore

extension Cluster {
    /// A topic's partitions for a client that names it: creates it with the cluster defaults
    /// on first use when `auto.create.topics.enable` (Kafka's auto topic creation, which
    /// Metadata and Produce trigger), else throws `unknownTopicOrPartition`.
    @discardableResult
    public func topicForUse(_ name: String) throws(ControllerError) -> TopicImage {
        if let topic = controller.image.topic(named: name) { return topic }
        return try controller.autoCreateTopic(name)
    }
}

/// Offsets of the cluster's partitions as the offset-reset planner needs them, read from
/// each partition's leader.
struct ClusterOffsetSource: PartitionOffsetSource {
    let cluster: Cluster

    func partitions(ofTopic topic: String) -> [Int32]? {
        cluster.controller.image.topic(named: topic).map { $0.partitions.keys.sorted() }
    }

    func earliestOffset(_ partition: TopicPartition) -> Int64? {
        try? cluster.leader(of: partition)?.replicaManager.listOffset(partition, timestamp: TimestampAndOffset.earliest)?.offset
    }

    func latestOffset(_ partition: TopicPartition) -> Int64? {
        cluster.leader(of: partition)?.replicaManager.highWatermark(partition)
    }

    func offsetForTimestamp(_ partition: TopicPartition, timestampMs: Int64) -> Int64? {
        try? cluster.leader(of: partition)?.replicaManager.listOffset(partition, timestamp: timestampMs)?.offset
    }
}
