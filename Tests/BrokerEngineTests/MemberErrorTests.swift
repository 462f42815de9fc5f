import LogStore
import BrokerEngine
import Testing

@Suite("Member validation and protocol selection")
struct MemberErrorTests {
    @Test func wrongGenerationIsAnIllegalGeneration() throws {
        let h = try GroupHarness()
        let (a, _) = try #require(h.stableGroupOfTwo())
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 0).failure == .illegalGeneration)
        #expect(h.sync(generation: 7, memberId: a).value?.failure == .illegalGeneration)
        #expect(h.coordinator.commitOffsets(groupId: "g", generationId: 2, memberId: a,
                                            offsets: [TopicPartition("orders", 0): OffsetCommit(offset: 1)])
            .failure == .illegalGeneration)
        #expect(GroupError.illegalGeneration.kafkaCode == 22)
    }

    @Test func unknownMembersAreRejectedEverywhere() throws {
        let h = try GroupHarness()
        _ = try #require(h.stableGroupOfTwo())
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: "ghost", generationId: 1).failure == .unknownMemberId)
        #expect(h.sync(generation: 1, memberId: "ghost").value?.failure == .unknownMemberId)
        #expect(h.join(memberId: "ghost", clientId: "x").value?.failure == .unknownMemberId)
        #expect(h.coordinator.heartbeat(groupId: "nope", memberId: "ghost", generationId: 1).failure == .unknownMemberId)
        #expect(h.join("nope", memberId: "ghost", clientId: "x").value?.failure == .unknownMemberId,
                "a member id cannot create a group")
        let leave = try h.coordinator.leaveGroup(groupId: "g", members: [LeavingMember(memberId: "ghost")]).get()
        #expect(leave.first?.error == .unknownMemberId)
        #expect(GroupError.unknownMemberId.kafkaCode == 25)
    }

    @Test func syncDuringPreparingRebalanceIsRebalanceInProgress() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        h.join(memberId: a, clientId: "a")
        #expect(h.sync(generation: 1, memberId: b).value?.failure == .rebalanceInProgress)
    }

    @Test func invalidGroupIdAndSessionTimeoutAreRefused() throws {
        let h = try GroupHarness()
        #expect(h.join("", clientId: "a").value?.failure == .invalidGroupId)
        #expect(h.join(clientId: "a", sessionTimeoutMs: 5_999).value?.failure == .invalidSessionTimeout)
        #expect(h.join(clientId: "a", sessionTimeoutMs: 1_800_001).value?.failure == .invalidSessionTimeout)
        #expect(GroupError.invalidSessionTimeout.kafkaCode == 26)
    }

    @Test func groupMaxSizeIsEnforced() throws {
        var config = GroupCoordinatorConfig()
        config.maxGroupSize = 2
        let h = try GroupHarness(config: config)
        _ = try #require(h.stableGroupOfTwo())
        #expect(h.join(clientId: "c", requireKnownMemberId: false).value?.failure == .groupMaxSizeReached)
        #expect(GroupError.groupMaxSizeReached.kafkaCode == 81)
    }

    @Test func protocolIsChosenByVoteAmongThoseEveryMemberSupports() throws {
        let h = try GroupHarness()
        let joins = [["range", "roundrobin"], ["roundrobin", "range"], ["roundrobin", "sticky", "range"]]
            .map { h.join(clientId: "c", protocols: GroupHarness.consumerProtocols($0), requireKnownMemberId: false) }
        h.scheduler.advance(byMs: 200)
        #expect(joins.allSatisfy { $0.value?.success?.protocolName == "roundrobin" }, "two votes to one")

        let h2 = try GroupHarness()
        let joins2 = [["sticky", "range"], ["range"]]
            .map { h2.join(clientId: "c", protocols: GroupHarness.consumerProtocols($0), requireKnownMemberId: false) }
        h2.scheduler.advance(byMs: 200)
        #expect(joins2.allSatisfy { $0.value?.success?.protocolName == "range" }, "sticky is not supported by all")
    }

    @Test func leaderGetsEachMembersMetadataForTheChosenProtocol() throws {
        let h = try GroupHarness()
        let a = h.join(clientId: "a", protocols: [MemberProtocol(name: "range", metadata: [1]),
                                                  MemberProtocol(name: "roundrobin", metadata: [2])],
                       requireKnownMemberId: false)
        let b = h.join(clientId: "b", protocols: [MemberProtocol(name: "roundrobin", metadata: [3])],
                       requireKnownMemberId: false)
        h.scheduler.advance(byMs: 200)
        let leader = try #require(a.value?.success)
        #expect(leader.protocolName == "roundrobin")
        #expect(leader.members.map(\.metadata) == [[2], [3]])
        #expect(b.value?.success?.members == [])
    }

    @Test func incompatibleProtocolsAreAnInconsistentGroupProtocol() throws {
        let h = try GroupHarness()
        _ = try #require(h.stableGroupOfTwo())
        #expect(h.join(clientId: "c", protocols: GroupHarness.consumerProtocols(["sticky"]))
            .value?.failure == .inconsistentGroupProtocol)
        #expect(h.join(clientId: "c", protocolType: "connect").value?.failure == .inconsistentGroupProtocol)
        #expect(h.join("fresh", clientId: "c", protocols: []).value?.failure == .inconsistentGroupProtocol)
        #expect(h.join("fresh", clientId: "c", protocolType: "").value?.failure == .inconsistentGroupProtocol)
        #expect(h.coordinator.listGroups().map(\.groupId) == ["g"], "a refused join leaves no group behind")
        #expect(GroupError.inconsistentGroupProtocol.kafkaCode == 23)
    }

    @Test func syncChecksProtocolTypeAndNameWhenGiven() throws {
        let h = try GroupHarness()
        let (a, _) = try #require(h.stableGroupOfTwo())
        let wrongName = SyncOutcome()
        h.coordinator.syncGroup(groupId: "g", generationId: 1, memberId: a, protocolType: "consumer",
                                protocolName: "roundrobin") { wrongName.set($0) }
        #expect(wrongName.value?.failure == .inconsistentGroupProtocol)
        let right = SyncOutcome()
        h.coordinator.syncGroup(groupId: "g", generationId: 1, memberId: a, protocolType: "consumer",
                                protocolName: "range") { right.set($0) }
        #expect(right.value?.success?.assignment == [1])
    }

    @Test func knownFollowerRejoiningAStableGroupUnchangedGetsTheCurrentGeneration() throws {
        let h = try GroupHarness()
        let (_, b) = try #require(h.stableGroupOfTwo())
        let rejoin = h.join(memberId: b, clientId: "b")
        #expect(rejoin.value?.success?.generationId == 1)
        #expect(h.state() == .stable)
    }

    @Test func failedAssignmentWriteSendsMembersBackToRejoin() throws {
        let h = try GroupHarness()
        let a = try #require(h.memberId(clientId: "a"))
        let b = try #require(h.memberId(clientId: "b"))
        h.join(memberId: a, clientId: "a")
        h.join(memberId: b, clientId: "b")
        h.scheduler.advance(byMs: 200)
        let follower = h.sync(generation: 1, memberId: b)
        h.store.failWrites = true
        let leader = h.sync(generation: 1, memberId: a, assignments: [a: [1], b: [2]])
        #expect(leader.value?.failure == .coordinatorNotAvailable)
        #expect(follower.value?.failure == .coordinatorNotAvailable)
        #expect(h.state() == .preparingRebalance)
    }
}
