import BrokerEngine
import Foundation
import LogStore
import Testing

/// `__consumer_offsets` in the cluster: created with the store's config, the only place
/// group state survives a restart, and compacted on the retention timer.
@Suite(.serialized) struct ClusterOffsetsTopicTests {
    static let orders0 = TopicPartition(topic: "orders", partition: 0)
    static let orders1 = TopicPartition(topic: "orders", partition: 1)

    /// The group's `__consumer_offsets` partition (the harness's topic has 3).
    static func offsetsPartition(of groupId: String) -> TopicPartition {
        TopicPartition(OffsetsTopicStore.topicName, OffsetsTopicPartitioner.partition(for: groupId, partitionCount: 3))
    }

    /// Every replica's log of `tp` that is running now.
    static func replicaLogs(_ harness: ClusterHarness, _ tp: TopicPartition) -> [PartitionLog] {
        harness.cluster.runningBrokerIds.compactMap { harness.cluster.broker($0)?.replicaManager.logDirectory.partition(tp) }
    }

    @Test func everyReplicaOfTheOffsetsTopicIsCompactedWithTheStoresSegmentSize() throws {
        let harness = try ClusterHarness()
        func check() {
            #expect(harness.cluster.controller.image.topicConfig(OffsetsTopicStore.topicName) ==
                ["cleanup.policy": "compact", "segment.bytes": "104857600"])
            for index: Int32 in 0..<3 {
                let logs = Self.replicaLogs(harness, TopicPartition(OffsetsTopicStore.topicName, index))
                #expect(logs.count == 3)
                for log in logs {
                    #expect(log.config.cleanupPolicy == [.compact])
                    #expect(log.config.segmentBytes == OffsetsTopicStore.logConfig.segmentBytes)
                }
            }
        }
        check()
        // After a restart the logs are opened from disk with the topic's config again.
        try harness.restart()
        check()
    }

    @Test func committedOffsetsAndTheGroupSurviveAFullRestartFromConsumerOffsets() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3)
        _ = harness.produce(Self.orders0, ["a", "b", "c", "d", "e"])
        let join = harness.join(instanceId: "inst-a", clientId: "client-a")
        harness.scheduler.advance(byMs: 200)
        let member = try #require(join.value?.success?.memberId)
        harness.sync(generation: 1, memberId: member, instanceId: "inst-a",
                     assignments: [member: assignmentBytes([("orders", [0, 1])])])
        _ = harness.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: member, groupInstanceId: "inst-a", offsets: [
            Self.orders0: OffsetCommit(offset: 4, leaderEpoch: 7, metadata: "checkpoint 4"),
            Self.orders1: OffsetCommit(offset: 0, leaderEpoch: nil, metadata: ""),
        ])
        // Committed again: only the last commit counts after the replay.
        _ = harness.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: member, groupInstanceId: "inst-a",
                                              offsets: [Self.orders0: OffsetCommit(offset: 5, leaderEpoch: 8, metadata: "checkpoint 5")])
        _ = harness.coordinator.commitOffsets(groupId: "tool", offsets: [Self.orders1: OffsetCommit(offset: 0, metadata: "reset")])
        let before = harness.cluster.snapshot().groups
        #expect(before.map(\.groupId) == ["g", "tool"])
        // Where they are kept: the group's partition of __consumer_offsets, on every replica.
        let offsetsTp = Self.offsetsPartition(of: "g")
        #expect(ClusterHarness.waitUntil { Self.replicaLogs(harness, offsetsTp).allSatisfy { $0.logEndOffset >= 4 } },
                "3 offset commits and the group's metadata")

        try harness.restart()
        let after = harness.cluster.snapshot().groups
        #expect(after.map(\.groupId) == ["g", "tool"])
        for (old, new) in zip(before, after) {
            #expect(new.committedOffsets == old.committedOffsets, "offset, leader epoch, metadata and commit time")
        }
        let restored = try #require(after.first)
        #expect(restored.committedOffsets[Self.orders0] ==
            CommittedOffset(offset: 5, leaderEpoch: 8, metadata: "checkpoint 5",
                            commitTimestampMs: try #require(before.first?.committedOffsets[Self.orders0]?.commitTimestampMs)))
        #expect(harness.coordinator.fetchOffsets(groupId: "g") == [
            FetchedOffset(topicPartition: Self.orders0, offset: 5, leaderEpoch: 8, metadata: "checkpoint 5"),
            FetchedOffset(topicPartition: Self.orders1, offset: 0, leaderEpoch: nil, metadata: ""),
        ])
        // The group's metadata came back too: its member (who must heartbeat to stay) and
        // its assignment, so lag against the restored high watermarks is as before.
        #expect(restored.state == .stable && restored.generationId == 1)
        #expect(restored.members.map(\.groupInstanceId) == ["inst-a"])
        #expect(restored.members.first?.assignedPartitions == [Self.orders0, Self.orders1])
        #expect(ClusterHarness.waitUntil { harness.cluster.lag(groupId: "g") == before.first?.lag },
                "a new leader's high watermark may need a follower fetch to catch up")
        #expect(restored.totalLag == 0)
    }

    @Test func retentionTimerCompactsTheOffsetsTopicOnceTheCopyIsReplicated() throws {
        let harness = try ClusterHarness { $0.retentionCheckIntervalMs = 5_000 }
        for offset in Int64(0)..<20 {
            _ = harness.coordinator.commitOffsets(groupId: "g", offsets: [Self.orders0: OffsetCommit(offset: offset)])
        }
        let offsetsTp = Self.offsetsPartition(of: "g")
        let leader = try #require(harness.cluster.leader(of: offsetsTp))
        let log = try #require(leader.replicaManager.logDirectory.partition(offsetsTp))
        func replicated() -> Bool { leader.replicaManager.highWatermark(offsetsTp) == log.logEndOffset }
        #expect(ClusterHarness.waitUntil(replicated))
        #expect(log.logEndOffset - log.logStartOffset == 20)

        // First run: the live record is copied through the leader; the old records stay
        // until the copy is replicated (the followers may manage that within the run),
        // else the next run drops them.
        harness.scheduler.advance(byMs: 5_000)
        #expect(log.logEndOffset == 21)
        #expect(ClusterHarness.waitUntil(replicated))
        harness.scheduler.advance(byMs: 5_000)
        #expect(log.logStartOffset == 20)
        #expect(log.logEndOffset - log.logStartOffset == 1)
        // Followers move their log start when they next fetch.
        #expect(ClusterHarness.waitUntil { Self.replicaLogs(harness, offsetsTp).allSatisfy { $0.logStartOffset == 20 } })

        // Nothing changed since: the next run leaves the log alone.
        harness.scheduler.advance(byMs: 5_000)
        #expect(log.logEndOffset == 21)

        try harness.restart()
        #expect(harness.coordinator.fetchOffsets(groupId: "g") ==
            [FetchedOffset(topicPartition: Self.orders0, offset: 19, leaderEpoch: nil, metadata: "")])
    }
}
