import LogStore
import BrokerEngine
import Testing

/// Logs as a table: each partition's [earliest, latest) range; offset o was written at
/// `baseMs + o * 1000`.
struct FakeLogs: PartitionOffsetSource {
    var ranges: [TopicPartition: (earliest: Int64, latest: Int64)]
    var baseMs: Int64

    func partitions(ofTopic topic: String) -> [Int32]? {
        let partitions = ranges.keys.filter { $0.topic == topic }.map(\.partition)
        return partitions.isEmpty ? nil : partitions
    }

    func earliestOffset(_ partition: TopicPartition) -> Int64? { ranges[partition]?.earliest }
    func latestOffset(_ partition: TopicPartition) -> Int64? { ranges[partition]?.latest }

    func offsetForTimestamp(_ partition: TopicPartition, timestampMs: Int64) -> Int64? {
        guard let range = ranges[partition] else { return nil }
        let offset = max(range.earliest, (timestampMs - baseMs + 999) / 1000)
        return offset < range.latest ? offset : nil
    }
}

@Suite("Offset reset (kafka-consumer-groups.sh --reset-offsets)")
struct OffsetResetTests {
    let o0 = TopicPartition("orders", 0)
    let o1 = TopicPartition("orders", 1)
    let o2 = TopicPartition("orders", 2)
    let p0 = TopicPartition("payments", 0)

    /// Group "g" (Empty, simple commits): orders-0 at 50, orders-1 at 5 (before the log
    /// start), payments-0 at 20; orders-2 has no committed offset.
    private func setUp() throws -> (GroupHarness, FakeLogs) {
        let h = try GroupHarness()
        let logs = FakeLogs(ranges: [o0: (10, 100), o1: (10, 100), o2: (10, 100), p0: (0, 50)],
                            baseMs: h.scheduler.nowMs - 200_000)
        let commit = h.coordinator.commitOffsets(groupId: "g", offsets: [
            o0: OffsetCommit(offset: 50), o1: OffsetCommit(offset: 5), p0: OffsetCommit(offset: 20),
        ])
        #expect(commit.success != nil)
        return (h, logs)
    }

    private func plan(_ h: GroupHarness, _ logs: FakeLogs, _ scope: OffsetResetScope,
                      _ strategy: OffsetResetStrategy) throws -> [TopicPartition: Int64] {
        let plan = try h.coordinator.planOffsetReset(groupId: "g", scope: scope, strategy: strategy, logs: logs).get()
        return Dictionary(uniqueKeysWithValues: plan.rows.map { ($0.topicPartition, $0.newOffset) })
    }

    @Test func everyStrategyOverTheOrdersTopic() throws {
        let (h, logs) = try setUp()
        let orders = OffsetResetScope.topics(["orders"])
        #expect(try plan(h, logs, orders, .toEarliest) == [o0: 10, o1: 10, o2: 10])
        #expect(try plan(h, logs, orders, .toLatest) == [o0: 100, o1: 100, o2: 100])
        #expect(try plan(h, logs, orders, .toOffset(42)) == [o0: 42, o1: 42, o2: 42])
        #expect(try plan(h, logs, orders, .toDatetime(logs.baseMs + 30_000)) == [o0: 30, o1: 30, o2: 30])
        #expect(try plan(h, logs, orders, .byDuration(200_000 - 25_000)) == [o0: 25, o1: 25, o2: 25],
                "now - duration = base + 25 s")
        #expect(try plan(h, logs, .partitions([o0, o1]), .shiftBy(-5)) == [o0: 45, o1: 10])
        #expect(try plan(h, logs, .partitions([o0]), .shiftBy(20)) == [o0: 70])
    }

    @Test func newOffsetsAreClampedToTheLogAtBothEnds() throws {
        let (h, logs) = try setUp()
        #expect(try plan(h, logs, .partitions([o0]), .toOffset(1_000)) == [o0: 100])
        #expect(try plan(h, logs, .partitions([o0]), .toOffset(-3)) == [o0: 10])
        #expect(try plan(h, logs, .partitions([o0]), .shiftBy(500)) == [o0: 100])
        #expect(try plan(h, logs, .partitions([o0]), .shiftBy(-500)) == [o0: 10])
        #expect(try plan(h, logs, .partitions([o0]), .shiftBy(Int64.max)) == [o0: 100], "no overflow")
        #expect(try plan(h, logs, .partitions([o0]), .toDatetime(logs.baseMs + 10_000_000)) == [o0: 100],
                "no offset that late: the latest")
        #expect(try plan(h, logs, .partitions([o0]), .toDatetime(0)) == [o0: 10])
    }

    @Test func scopeSelectsGroupTopicOrPartitions() throws {
        let (h, logs) = try setUp()
        let all = try h.coordinator.planOffsetReset(groupId: "g", scope: .allTopics, strategy: .toEarliest, logs: logs).get()
        #expect(all.rows == [
            OffsetResetRow(topicPartition: o0, currentOffset: 50, newOffset: 10),
            OffsetResetRow(topicPartition: o1, currentOffset: 5, newOffset: 10),
            OffsetResetRow(topicPartition: p0, currentOffset: 20, newOffset: 0),
        ], "--all-topics: the partitions the group has offsets for")
        #expect(all.groupState == .empty)
        let topic = try h.coordinator.planOffsetReset(groupId: "g", scope: .topics(["orders"]), strategy: .toLatest, logs: logs).get()
        #expect(topic.rows.map(\.topicPartition) == [o0, o1, o2])
        #expect(topic.rows.map(\.currentOffset) == [50, 5, nil])
        #expect(try plan(h, logs, .partitions([p0]), .toLatest) == [p0: 50])
    }

    @Test func unknownTopicsAndMissingCommittedOffsetsAreErrors() throws {
        let (h, logs) = try setUp()
        let unknown = h.coordinator.planOffsetReset(groupId: "g", scope: .topics(["nope"]), strategy: .toLatest, logs: logs)
        #expect(unknown.failure?.kafkaCode == 3)
        let missing = h.coordinator.planOffsetReset(groupId: "g", scope: .partitions([TopicPartition("orders", 9)]),
                                                    strategy: .toLatest, logs: logs)
        #expect(missing.failure == .unknownTopicOrPartition(TopicPartition("orders", 9)))
        let shift = h.coordinator.planOffsetReset(groupId: "g", scope: .partitions([o2]), strategy: .shiftBy(1), logs: logs)
        #expect(shift.failure == .noCommittedOffset(o2))
    }

    @Test func dryRunChangesNothingAndExecuteCommitsThePlan() throws {
        let (h, logs) = try setUp()
        let plan = try h.coordinator.planOffsetReset(groupId: "g", scope: .topics(["orders"]), strategy: .toOffset(60),
                                                     logs: logs).get()
        #expect(h.coordinator.fetchOffsets(groupId: "g").map(\.offset) == [50, 5, 20], "planning is a dry run")
        #expect(h.coordinator.executeOffsetReset(plan).failure == nil)
        #expect(h.coordinator.fetchOffsets(groupId: "g").map(\.offset) == [60, 60, 60, 20])
        #expect(h.store.storedOffsets["g"]?[o2]?.offset == 60)
    }

    @Test func resettingAnActiveGroupIsRefusedWithKafkasMessage() throws {
        let (h, logs) = try setUp()
        _ = try #require(h.stableGroupOfTwo("live"))
        let plan = try h.coordinator.planOffsetReset(groupId: "live", scope: .partitions([o0]), strategy: .toEarliest,
                                                     logs: logs).get()
        #expect(plan.groupState == .stable)
        let refused = h.coordinator.executeOffsetReset(plan)
        #expect(refused.failure == .groupNotInactive(groupId: "live", state: .stable))
        #expect(refused.failure?.description ==
            "Assignments can only be reset if the group 'live' is inactive, but the current state is Stable.")
        #expect(h.coordinator.fetchOffsets(groupId: "live").isEmpty)
    }

    @Test func resettingAnUnknownGroupCreatesItsOffsets() throws {
        let (h, logs) = try setUp()
        let plan = try h.coordinator.planOffsetReset(groupId: "new", scope: .topics(["payments"]), strategy: .toLatest,
                                                     logs: logs).get()
        #expect(plan.groupState == .dead)
        #expect(h.coordinator.executeOffsetReset(plan).failure == nil)
        #expect(h.coordinator.fetchOffsets(groupId: "new").map(\.offset) == [50])
    }
}

@Suite("Consumer lag")
struct LagTests {
    @Test func lagIsHighWatermarkMinusCommittedWithTotals() throws {
        let h = try GroupHarness()
        let o0 = TopicPartition("orders", 0), o1 = TopicPartition("orders", 1), o2 = TopicPartition("orders", 2)
        let p0 = TopicPartition("payments", 0), x0 = TopicPartition("unrelated", 0)
        _ = h.coordinator.commitOffsets(groupId: "g", offsets: [
            o0: OffsetCommit(offset: 90), o1: OffsetCommit(offset: 100), p0: OffsetCommit(offset: 30),
        ])
        let lag = h.coordinator.lag(groupId: "g", highWatermarks: [o0: 100, o1: 100, o2: 7, p0: 25, x0: 1_000])
        #expect(lag.partitions == [
            PartitionLag(topicPartition: o0, committedOffset: 90, highWatermark: 100, lag: 10),
            PartitionLag(topicPartition: o1, committedOffset: 100, highWatermark: 100, lag: 0),
            PartitionLag(topicPartition: o2, committedOffset: nil, highWatermark: 7, lag: nil),
            PartitionLag(topicPartition: p0, committedOffset: 30, highWatermark: 25, lag: 0),
        ])
        #expect(lag.totalByTopic == ["orders": 10, "payments": 0])
        #expect(lag.total == 10)
    }

    @Test func lagCoversSubscribedTopicsWithoutCommitsAndUnknownGroupsAreEmpty() throws {
        let h = try GroupHarness()
        _ = try #require(h.stableGroupOfTwo(topics: ["orders"]))
        let lag = h.coordinator.lag(groupId: "g", highWatermarks: [TopicPartition("orders", 0): 5])
        #expect(lag.partitions.map(\.lag) == [nil])
        #expect(lag.total == 0)
        #expect(h.coordinator.lag(groupId: "none", highWatermarks: [TopicPartition("orders", 0): 5]).partitions.isEmpty)
    }
}
