import LogStore

/// Consumer lag: how far a group's committed offsets trail the high watermarks
/// (the LAG column of `kafka-consumer-groups.sh --describe`).

/// One partition's lag; `lag` is nil when either side is unknown (the tool prints "-").
public struct PartitionLag: Hashable, Sendable {
    public var topicPartition: TopicPartition
    public var committedOffset: Int64?
    public var highWatermark: Int64?
    public var lag: Int64?

    public init(topicPartition: TopicPartition, committedOffset: Int64? = nil, highWatermark: Int64? = nil, lag: Int64? = nil) {
        self.topicPartition = topicPartition
        self.committedOffset = committedOffset
        self.highWatermark = highWatermark
        self.lag = lag
    }
}

/// A group's lag by partition, with totals per topic and for the group (sums of the
/// known partition lags).
public struct GroupLag: Hashable, Sendable {
    public var groupId: String
    public var partitions: [PartitionLag]
    public var totalByTopic: [String: Int64]
    public var total: Int64

    public init(groupId: String, partitions: [PartitionLag], totalByTopic: [String: Int64], total: Int64) {
        self.groupId = groupId
        self.partitions = partitions
        self.totalByTopic = totalByTopic
        self.total = total
    }
}

extension GroupLag {
    /// Lag = high watermark − committed offset, per partition, for the partitions the
    /// group committed, plus the partitions in `highWatermarks` of topics it committed to
    /// or its members subscribe to (those have no committed offset and no lag yet). A
    /// committed offset past the high watermark (possible after a truncation) counts as
    /// lag 0, since there is nothing to consume.
    init(groupId: String, offsets: [TopicPartition: CommittedOffset], subscribedTopics: Set<String>,
         highWatermarks: [TopicPartition: Int64]) {
        let topics = Set(offsets.keys.map(\.topic)).union(subscribedTopics)
        let partitions = Set(offsets.keys).union(highWatermarks.keys.filter { topics.contains($0.topic) })
        var rows: [PartitionLag] = []
        var byTopic: [String: Int64] = [:]
        var total: Int64 = 0
        for partition in partitions.sorted() {
            let committed = offsets[partition]?.offset
            let highWatermark = highWatermarks[partition]
            var lag: Int64?
            if let committed, let highWatermark {
                lag = max(0, highWatermark - committed)
            }
            if let lag {
                byTopic[partition.topic, default: 0] += lag
                total += lag
            } else if byTopic[partition.topic] == nil {
                byTopic[partition.topic] = 0
            }
            rows.append(PartitionLag(topicPartition: partition, committedOffset: committed,
                                     highWatermark: highWatermark, lag: lag))
        }
        self.init(groupId: groupId, partitions: rows, totalByTopic: byTopic, total: total)
    }
}

extension GroupCoordinator {
    /// The group's lag against `highWatermarks` (see `GroupLag`'s initialiser for which
    /// partitions count). An unknown or Dead group has none.
    public func lag(groupId: String, highWatermarks: [TopicPartition: Int64]) -> GroupLag {
        guard let group = observeGroup(groupId) else {
            return GroupLag(groupId: groupId, partitions: [], totalByTopic: [:], total: 0)
        }
        return group.lag(highWatermarks: highWatermarks)
    }
}
