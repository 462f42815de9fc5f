import LogStore

/// Consumer groups for observers: snapshots with lag, and the once-a-second lag sample.
extension Cluster {
    /// Every group, from one copy of the coordinator's state taken under its lock; lag is
    /// computed against `highWatermarks` (what the cluster snapshot already read).
    func groupSnapshots(highWatermarks: [TopicPartition: Int64]) -> [ConsumerGroupSnapshot] {
        groups.observeGroups().map { group in
            let isConsumer = group.protocolType == ConsumerGroupSnapshot.consumerProtocolType
            return ConsumerGroupSnapshot(
                groupId: group.groupId, state: group.state, protocolType: group.protocolType ?? "",
                protocolName: group.protocolName ?? "", generationId: group.generationId,
                members: group.members.map { member in
                    ConsumerGroupSnapshot.Member(
                        memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                        clientHost: member.clientHost, isLeader: member.memberId == group.leaderId,
                        assignedPartitions: isConsumer ? Self.assignedPartitions(member.assignment) : nil)
                },
                committedOffsets: group.offsets, lag: group.lag(highWatermarks: highWatermarks),
                lagHistory: groupLagHistory.history(group.groupId))
        }
    }

    /// Samples every group's total lag into `groupLagHistory` (the traffic tick calls it).
    func sampleGroupLag() {
        let observed = groups.observeGroups()
        let highWatermarks = leaderHighWatermarks(ofTopics: Set(observed.flatMap(\.lagTopics)))
        var totals: [String: Int64] = [:]
        for group in observed { totals[group.groupId] = group.lag(highWatermarks: highWatermarks).total }
        groupLagHistory.record(totals)
    }

    /// The high watermark of every partition of `topics`, from its leader; partitions
    /// without a running leader are left out (their lag is unknown, not zero).
    func leaderHighWatermarks(ofTopics topics: Set<String>) -> [TopicPartition: Int64] {
        let image = controller.image
        var result: [TopicPartition: Int64] = [:]
        for topic in topics {
            guard let partitions = image.topic(named: topic)?.partitions else { continue }
            for (index, registration) in partitions where registration.leader >= 0 {
                let tp = TopicPartition(topic, index)
                if let hw = broker(registration.leader)?.replicaManager.highWatermark(tp) { result[tp] = hw }
            }
        }
        return result
    }

    /// A consumer member's partitions: none before its first SyncGroup (empty bytes), nil
    /// when the bytes are not a consumer assignment.
    private static func assignedPartitions(_ assignment: [UInt8]) -> [TopicPartition]? {
        if assignment.isEmpty { return [] }
        return ConsumerProtocolAssignment(decoding: assignment)?.partitions
    }
}

extension ConsumerGroupSnapshot {
    /// The protocol type of Kafka consumers, whose metadata and assignments we can decode.
    static let consumerProtocolType = "consumer"
}
