import LogStore
import BrokerEngine
import Testing

@Suite("Committed offsets")
struct OffsetTests {
    let orders0 = TopicPartition("orders", 0)
    let orders1 = TopicPartition("orders", 1)
    let payments0 = TopicPartition("payments", 0)

    @Test func membersCommitWithTheirGenerationAndFetchThemBack() throws {
        let h = try GroupHarness()
        let (a, _) = try #require(h.stableGroupOfTwo())
        let result = h.coordinator.commitOffsets(
            groupId: "g", generationId: 1, memberId: a,
            offsets: [orders0: OffsetCommit(offset: 42, leaderEpoch: 3, metadata: "m"), orders1: OffsetCommit(offset: 7)])
        #expect(result.success?.partitionErrors == [:])
        let fetched = h.coordinator.fetchOffsets(groupId: "g", partitions: [orders0, payments0])
        #expect(fetched == [
            FetchedOffset(topicPartition: orders0, offset: 42, leaderEpoch: 3, metadata: "m"),
            FetchedOffset(topicPartition: payments0, offset: -1, leaderEpoch: nil, metadata: ""),
        ])
        #expect(h.coordinator.fetchOffsets(groupId: "g").map(\.topicPartition) == [orders0, orders1])
        #expect(h.store.storedOffsets["g"]?[orders0]?.offset == 42)
        #expect(h.store.storedOffsets["g"]?[orders0]?.commitTimestampMs == h.scheduler.nowMs)
    }

    @Test func simpleCommitCreatesAnEmptyGroupButIsRefusedForActiveGroups() throws {
        let h = try GroupHarness()
        let created = h.coordinator.commitOffsets(groupId: "admin", offsets: [orders0: OffsetCommit(offset: 5)])
        #expect(created.success != nil)
        #expect(h.coordinator.listGroups() == [ListedGroup(groupId: "admin", protocolType: "", state: .empty)])
        #expect(h.coordinator.commitOffsets(groupId: "admin", offsets: [orders0: OffsetCommit(offset: 6)]).success != nil)
        #expect(h.coordinator.fetchOffsets(groupId: "admin", partitions: [orders0]).first?.offset == 6)

        _ = try #require(h.stableGroupOfTwo())
        #expect(h.coordinator.commitOffsets(groupId: "g", offsets: [orders0: OffsetCommit(offset: 1)])
            .failure == .unknownMemberId, "only members commit into a group with members")
        #expect(h.coordinator.commitOffsets(groupId: "missing", generationId: 3, memberId: "m",
                                            offsets: [orders0: OffsetCommit(offset: 1)]).failure == .illegalGeneration)
        #expect(h.coordinator.listGroups().map(\.groupId) == ["admin", "g"], "a refused commit creates nothing")
    }

    @Test func commitsDuringCompletingRebalanceAreRefusedButAllowedWhilePreparing() throws {
        let h = try GroupHarness()
        let a = h.join(clientId: "a", requireKnownMemberId: false)
        h.scheduler.advance(byMs: 100)
        let id = try #require(a.value?.success?.memberId)
        #expect(h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: id,
                                            offsets: [orders0: OffsetCommit(offset: 1)]).failure == .rebalanceInProgress)
        h.sync(generation: 1, memberId: id, assignments: [id: []])
        h.join(clientId: "b", requireKnownMemberId: false)
        #expect(h.state() == .preparingRebalance)
        #expect(h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: id,
                                            offsets: [orders0: OffsetCommit(offset: 2)]).success != nil)
    }

    @Test func oversizedMetadataIsRefusedPerPartition() throws {
        var config = GroupCoordinatorConfig()
        config.offsetMetadataMaxBytes = 4
        let h = try GroupHarness(config: config)
        let result = try h.coordinator.commitOffsets(groupId: "s", offsets: [
            orders0: OffsetCommit(offset: 1, metadata: "12345"), orders1: OffsetCommit(offset: 2, metadata: "1234"),
        ]).get()
        #expect(result.partitionErrors == [orders0: .offsetMetadataTooLarge])
        #expect(h.coordinator.fetchOffsets(groupId: "s").map(\.offset) == [2])
    }

    @Test func storeFailureIsCoordinatorNotAvailable() throws {
        let h = try GroupHarness()
        h.store.failWrites = true
        #expect(h.coordinator.commitOffsets(groupId: "s", offsets: [orders0: OffsetCommit(offset: 1)])
            .failure == .coordinatorNotAvailable)
        #expect(h.coordinator.listGroups().isEmpty)
    }

    @Test func aRestartedCoordinatorRestoresOffsetsAndGroups() throws {
        let h = try GroupHarness()
        _ = h.coordinator.commitOffsets(groupId: "simple", offsets: [orders0: OffsetCommit(offset: 11, metadata: "x")])
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: a, offsets: [orders1: OffsetCommit(offset: 9)])
        _ = h.join("emptied", clientId: "e", requireKnownMemberId: false)
        h.scheduler.advance(byMs: 100)
        let e = try #require(h.coordinator.describeGroups(["emptied"]).first?.members.first?.memberId)
        _ = h.coordinator.leaveGroup(groupId: "emptied", members: [LeavingMember(memberId: e)])
        h.coordinator.shutdown()

        let restarted = try GroupHarness(scheduler: h.scheduler, store: h.store)
        let groups = restarted.coordinator.listGroups()
        #expect(groups == [
            ListedGroup(groupId: "emptied", protocolType: "consumer", state: .empty),
            ListedGroup(groupId: "g", protocolType: "consumer", state: .stable),
            ListedGroup(groupId: "simple", protocolType: "", state: .empty),
        ])
        #expect(restarted.coordinator.fetchOffsets(groupId: "simple", partitions: [orders0]).first?.offset == 11)
        #expect(restarted.coordinator.fetchOffsets(groupId: "simple", partitions: [orders0]).first?.metadata == "x")
        #expect(restarted.coordinator.fetchOffsets(groupId: "g").map(\.offset) == [9])
        // Restored members keep their assignment and generation...
        #expect(restarted.sync(generation: 1, memberId: b).value?.success?.assignment == [2])
        #expect(restarted.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1).failure == nil)
        // ...and must heartbeat to stay: a keeps going, b fell silent after its sync.
        restarted.scheduler.advance(byMs: 8_000)
        _ = restarted.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1)
        restarted.scheduler.advance(byMs: 3_000)
        #expect(restarted.state() == .preparingRebalance)
    }

    @Test func offsetsOfASimpleGroupExpireRetentionAfterTheirCommit() throws {
        let h = try GroupHarness()
        let day: Int64 = 24 * 60 * 60 * 1000
        _ = h.coordinator.commitOffsets(groupId: "s", offsets: [orders0: OffsetCommit(offset: 1)])
        h.scheduler.advance(byMs: 3 * day)
        _ = h.coordinator.commitOffsets(groupId: "s", offsets: [orders1: OffsetCommit(offset: 2)])
        h.scheduler.advance(byMs: 4 * day - 1)
        #expect(h.coordinator.expireOffsets() == 0)
        h.scheduler.advance(byMs: 1)
        _ = h.coordinator.expireOffsets()  // the periodic check may have beaten us to it
        #expect(h.coordinator.fetchOffsets(groupId: "s").map(\.topicPartition) == [orders1])
        #expect(h.store.storedOffsets["s"]?.keys.sorted() == [orders1])
        // The periodic check (every 10 minutes) expires the rest and then drops the empty group.
        h.scheduler.advance(byMs: 3 * day)
        #expect(h.coordinator.fetchOffsets(groupId: "s").isEmpty)
        #expect(h.coordinator.listGroups().isEmpty)
    }

    @Test func offsetsOfAnEmptiedGroupExpireRetentionAfterItBecameEmpty() throws {
        let h = try GroupHarness()
        let day: Int64 = 24 * 60 * 60 * 1000
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: a, offsets: [orders0: OffsetCommit(offset: 1)])
        _ = h.coordinator.leaveGroup(groupId: "g", members: [LeavingMember(memberId: a), LeavingMember(memberId: b)])
        #expect(h.state() == .empty)
        h.scheduler.advance(byMs: 7 * day - 1)
        #expect(h.coordinator.fetchOffsets(groupId: "g").count == 1, "retention counts from when the group emptied")
        h.scheduler.advance(byMs: 10 * 60 * 1000 + 1)
        #expect(h.coordinator.fetchOffsets(groupId: "g").isEmpty)
        #expect(h.coordinator.describeGroups(["g"]).first?.error == .groupIdNotFound)
        #expect(h.store.storedGroups["g"] == nil)
    }

    @Test func stableGroupsKeepOffsetsOfSubscribedTopics() throws {
        var config = GroupCoordinatorConfig()
        config.offsetsRetentionMs = 60_000
        config.offsetsRetentionCheckIntervalMs = 10_000
        let h = try GroupHarness(config: config)
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: a,
                                        offsets: [orders0: OffsetCommit(offset: 1), payments0: OffsetCommit(offset: 1)])
        for _ in 0..<15 {  // 75 s of heartbeats while the checks run
            h.scheduler.advance(byMs: 5_000)
            _ = h.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1)
            _ = h.coordinator.heartbeat(groupId: "g", memberId: b, generationId: 1)
        }
        #expect(h.state() == .stable)
        #expect(h.coordinator.fetchOffsets(groupId: "g").map(\.topicPartition) == [orders0],
                "payments is not subscribed: its offset expires; orders is kept")
    }

    @Test func deleteGroupsRemovesOnlyEmptyGroups() throws {
        let h = try GroupHarness()
        _ = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "old", offsets: [orders0: OffsetCommit(offset: 3)])
        let results = h.coordinator.deleteGroups(["g", "old", "never"])
        #expect(results == [
            GroupDeletionResult(groupId: "g", error: .nonEmptyGroup),
            GroupDeletionResult(groupId: "old", error: nil),
            GroupDeletionResult(groupId: "never", error: .groupIdNotFound),
        ])
        #expect(h.coordinator.fetchOffsets(groupId: "old").isEmpty)
        #expect(h.store.storedOffsets["old"] == nil)
        #expect(h.coordinator.describeGroups(["old"]) == [
            GroupDescription(groupId: "old", error: .groupIdNotFound, state: .dead, protocolType: "", protocolName: "", members: []),
        ])
        #expect(h.coordinator.deleteGroups(["old"]).first?.error == .groupIdNotFound)
        #expect(GroupError.nonEmptyGroup.kafkaCode == 68 && GroupError.groupIdNotFound.kafkaCode == 69)
    }

    @Test func deleteOffsetsRefusesTopicsAStableGroupSubscribesTo() throws {
        let h = try GroupHarness()
        let (a, _) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: a,
                                        offsets: [orders0: OffsetCommit(offset: 1), payments0: OffsetCommit(offset: 2)])
        let result = try h.coordinator.deleteOffsets(groupId: "g", partitions: [orders0, payments0]).get()
        #expect(result.partitionErrors == [orders0: .groupSubscribedToTopic])
        #expect(h.coordinator.fetchOffsets(groupId: "g").map(\.topicPartition) == [orders0])
        #expect(h.store.storedOffsets["g"]?.keys.sorted() == [orders0])
        #expect(GroupError.groupSubscribedToTopic.kafkaCode == 86)
        #expect(h.coordinator.deleteOffsets(groupId: "nope", partitions: [orders0]).failure == .groupIdNotFound)
    }

    @Test func deleteOffsetsOfAnEmptyGroupDeletesAnyTopic() throws {
        let h = try GroupHarness()
        _ = h.coordinator.commitOffsets(groupId: "s", offsets: [orders0: OffsetCommit(offset: 1), orders1: OffsetCommit(offset: 2)])
        let result = try h.coordinator.deleteOffsets(groupId: "s", partitions: [orders0]).get()
        #expect(result.partitionErrors.isEmpty)
        #expect(h.coordinator.fetchOffsets(groupId: "s").map(\.topicPartition) == [orders1])
    }

    @Test func deleteOffsetsOfANonConsumerGroupWithMembersIsNonEmptyGroup() throws {
        let h = try GroupHarness()
        let join = h.join("connect", clientId: "w", protocolType: "connect",
                          protocols: [MemberProtocol(name: "default", metadata: [])], requireKnownMemberId: false)
        h.scheduler.advance(byMs: 100)
        #expect(join.isDone)
        #expect(h.coordinator.deleteOffsets(groupId: "connect", partitions: [orders0]).failure == .nonEmptyGroup)
    }

    @Test func listAndDescribeGroups() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "s", offsets: [orders0: OffsetCommit(offset: 1)])
        #expect(h.coordinator.listGroups(statesFilter: [.stable]).map(\.groupId) == ["g"])
        #expect(h.coordinator.listGroups(statesFilter: [.empty]).map(\.groupId) == ["s"])
        #expect(GroupState(name: "stable") == .stable)
        let description = try #require(h.coordinator.describeGroups(["g"]).first)
        #expect(description.state == .stable)
        #expect(description.protocolType == "consumer")
        #expect(description.protocolName == "range")
        #expect(description.members.map(\.memberId) == [a, b])
        #expect(description.members.map(\.assignment) == [[1], [2]])
        #expect(description.members.first?.clientId == "a")
        #expect(description.members.first?.clientHost == "/127.0.0.1")
        #expect(description.members.first?.metadata == subscriptionBytes(topics: ["orders"]))
        // Outside Stable, no protocol, metadata or assignment (GroupMetadata.summary).
        h.join(memberId: a, clientId: "a")
        let rebalancing = try #require(h.coordinator.describeGroups(["g"]).first)
        #expect(rebalancing.state == .preparingRebalance)
        #expect(rebalancing.protocolName == "")
        #expect(rebalancing.members.allSatisfy { $0.assignment.isEmpty && $0.metadata.isEmpty })
    }
}
