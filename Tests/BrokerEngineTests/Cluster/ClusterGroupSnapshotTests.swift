import BrokerEngine
import Foundation
import LogStore
import Testing

/// Consumer groups as the console sees them through `Cluster.snapshot()`: the cluster's own
/// coordinator, real logs for the high watermarks, the manual clock for the sampling tick.
@Suite(.serialized) struct ClusterGroupSnapshotTests {
    static let orders0 = TopicPartition(topic: "orders", partition: 0)
    static let orders1 = TopicPartition(topic: "orders", partition: 1)

    func group(_ harness: ClusterHarness, _ groupId: String = "g") throws -> ConsumerGroupSnapshot {
        try #require(harness.cluster.snapshot().groups.first { $0.groupId == groupId })
    }

    @Test func groupShowsMembersAssignmentsCommittedOffsetsAndLagThatFollowsProduce() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3)
        _ = harness.produce(Self.orders0, ["a", "b", "c", "d", "e"])
        _ = harness.produce(Self.orders1, ["a", "b", "c"])
        // A static member and a dynamic one, both subscribed to orders.
        let joinA = harness.join(instanceId: "inst-a", clientId: "client-a")
        let joinB = harness.join(clientId: "client-b", requireKnownMemberId: false)
        harness.scheduler.advance(byMs: 200)
        let a = try #require(joinA.value?.success?.memberId)
        let b = try #require(joinB.value?.success?.memberId)

        // Joined, not yet synced: no assignment, and lag is unknown without commits.
        let joined = try group(harness)
        #expect(joined.state == .completingRebalance)
        #expect(joined.members.map(\.assignedPartitions) == [[], []])
        #expect(joined.lag.partitions.map(\.lag) == [nil, nil])
        #expect(joined.lag.partitions.map(\.highWatermark) == [5, 3], "subscribed partitions are listed")

        harness.sync(generation: 1, memberId: a, instanceId: "inst-a", assignments: [
            a: assignmentBytes([("orders", [0])]), b: assignmentBytes([("orders", [1])]),
        ])
        harness.sync(generation: 1, memberId: b)
        let commitA = harness.coordinator.commitOffsets(
            groupId: "g", generationId: 1, memberId: a, groupInstanceId: "inst-a",
            offsets: [Self.orders0: OffsetCommit(offset: 2, leaderEpoch: 0, metadata: "a was here")])
        let commitB = harness.coordinator.commitOffsets(
            groupId: "g", generationId: 1, memberId: b, offsets: [Self.orders1: OffsetCommit(offset: 3)])
        #expect(commitA.success?.partitionErrors == [:])
        #expect(commitB.success?.partitionErrors == [:])

        let stable = try group(harness)
        #expect(stable.state == .stable)
        #expect(stable.protocolType == "consumer")
        #expect(stable.protocolName == "range")
        #expect(stable.generationId == 1)
        #expect(stable.members.map(\.memberId) == [a, b])
        #expect(stable.members.map(\.groupInstanceId) == ["inst-a", nil])
        #expect(stable.members.map(\.clientId) == ["client-a", "client-b"])
        #expect(stable.members.map(\.clientHost) == ["/127.0.0.1", "/127.0.0.1"])
        #expect(stable.members.map(\.isLeader) == [true, false])
        #expect(stable.members.map(\.assignedPartitions) == [[Self.orders0], [Self.orders1]])
        let committedA = try #require(stable.committedOffsets[Self.orders0])
        #expect(committedA.offset == 2 && committedA.metadata == "a was here" && committedA.leaderEpoch == 0)
        #expect(stable.committedOffsets[Self.orders1]?.leaderEpoch == nil)
        #expect(stable.lag.partitions == [
            PartitionLag(topicPartition: Self.orders0, committedOffset: 2, highWatermark: 5, lag: 3),
            PartitionLag(topicPartition: Self.orders1, committedOffset: 3, highWatermark: 3, lag: 0),
        ])
        #expect(stable.totalLag == 3)

        // Produce moves the high watermark; the next snapshot's lag follows it.
        #expect(try harness.produce(Self.orders1, ["d", "e", "f", "g"])?.get().firstOffset == 3)
        let behind = try group(harness)
        #expect(behind.lag.partitions.map(\.lag) == [3, 4])
        #expect(behind.lag.totalByTopic == ["orders": 7])
        #expect(behind.totalLag == 7)
        #expect(harness.cluster.lag(groupId: "g") == behind.lag, "the cluster's lag and the snapshot's agree")
    }

    @Test func aSimpleGroupHasOffsetsButNoMembersOrProtocol() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3)
        _ = harness.produce(Self.orders0, ["a", "b"])
        _ = harness.coordinator.commitOffsets(groupId: "tool", offsets: [Self.orders0: OffsetCommit(offset: 1)])
        let tool = try group(harness, "tool")
        #expect(tool.state == .empty)
        #expect(tool.protocolType == "" && tool.protocolName == "")
        #expect(tool.members.isEmpty)
        // The committed topic's other partition is listed, without a lag.
        #expect(tool.lag.partitions.map(\.topicPartition) == [Self.orders0, Self.orders1])
        #expect(tool.lag.partitions.map(\.lag) == [1, nil])
        #expect(tool.totalLag == 1)
    }

    @Test func lagHistoryGrowsOneSamplePerTick() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        _ = harness.produce(Self.orders0, ["a", "b", "c"])
        _ = harness.coordinator.commitOffsets(groupId: "g", offsets: [Self.orders0: OffsetCommit(offset: 1)])
        #expect(try group(harness).lagHistory == [], "no tick yet")

        harness.scheduler.advance(byMs: 1_000)
        #expect(try group(harness).lagHistory == [2])
        _ = harness.produce(Self.orders0, ["d", "e", "f", "g", "h"])
        #expect(try group(harness).lagHistory == [2], "sampled on the tick, not on produce")
        harness.scheduler.advance(byMs: 1_000)
        #expect(try group(harness).lagHistory == [2, 7])
        _ = harness.coordinator.commitOffsets(groupId: "g", offsets: [Self.orders0: OffsetCommit(offset: 8)])
        harness.scheduler.advance(byMs: 1_000)
        let sampled = try group(harness)
        #expect(sampled.lagHistory == [2, 7, 0])
        // The same cadence and length as the traffic rates beside it.
        #expect(harness.cluster.groupLagHistory.historyLength == harness.cluster.traffic.historyLength)
        #expect(harness.cluster.snapshot().rateHistory.count == 2, "rates need a baseline tick first")
    }
}
