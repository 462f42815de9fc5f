import BrokerEngine
import Testing

@Suite("Static membership (KIP-345)")
struct StaticMembershipTests {
    /// Two static members, Stable in generation 1: returns their member ids.
    private func stableStaticGroup(_ h: GroupHarness, protocols: [String] = ["range"]) throws -> (String, String) {
        let a = h.join(instanceId: "inst-a", clientId: "a", protocols: GroupHarness.consumerProtocols(protocols))
        let b = h.join(instanceId: "inst-b", clientId: "b", protocols: GroupHarness.consumerProtocols(protocols))
        h.scheduler.advance(byMs: 200)
        let idA = try #require(a.value?.success?.memberId)
        let idB = try #require(b.value?.success?.memberId)
        #expect(idA.hasPrefix("inst-a-"), "a static member's id starts with its instance id")
        h.sync(generation: 1, memberId: idA, instanceId: "inst-a", assignments: [idA: [0xA], idB: [0xB]])
        h.sync(generation: 1, memberId: idB, instanceId: "inst-b")
        #expect(h.state() == .stable)
        return (idA, idB)
    }

    @Test func staticMembersNeedNoMemberIdRequiredRound() throws {
        let h = try GroupHarness()
        let join = h.join(instanceId: "inst-a", clientId: "a", requireKnownMemberId: true)
        #expect(!join.isDone, "held for the rebalance, not answered with MEMBER_ID_REQUIRED")
        h.scheduler.advance(byMs: 100)
        #expect(join.value?.success?.generationId == 1)
    }

    @Test func staticFollowerRejoiningAStableGroupKeepsItsAssignmentWithoutRebalance() throws {
        let h = try GroupHarness()
        let (idA, idB) = try stableStaticGroup(h)
        let writesBefore = h.store.groupWrites
        let rejoin = h.join(instanceId: "inst-b", clientId: "b")
        let result = try #require(rejoin.value?.success, "answered at once")
        #expect(result.memberId != idB)
        #expect(result.generationId == 1, "no new generation")
        #expect(result.leaderId == idA)
        #expect(result.skipAssignment == false)
        #expect(result.members.isEmpty)
        #expect(h.state() == .stable)
        #expect(h.store.groupWrites == writesBefore + 1, "the new member id is persisted")
        let sync = h.sync(generation: 1, memberId: result.memberId, instanceId: "inst-b")
        #expect(sync.value?.success?.assignment == [0xB])
        // The old member id is fenced.
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: idB, groupInstanceId: "inst-b", generationId: 1)
            .failure == .fencedInstanceId)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: idB, generationId: 1).failure == .unknownMemberId)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: result.memberId, groupInstanceId: "inst-b",
                                        generationId: 1).failure == nil)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: idA, generationId: 1).failure == nil)
    }

    @Test func staticLeaderRejoiningIsToldToSkipTheAssignment() throws {
        let h = try GroupHarness()
        let (idA, _) = try stableStaticGroup(h)
        let result = try #require(h.join(instanceId: "inst-a", clientId: "a").value?.success)
        #expect(result.leaderId == result.memberId)
        #expect(result.skipAssignment, "KIP-814")
        #expect(result.memberId != idA)
        #expect(result.members.count == 2)
        #expect(h.state() == .stable)
    }

    @Test func staticLeaderRejoiningWithAPreV9JoinSeesTheOldLeaderId() throws {
        let h = try GroupHarness()
        let (idA, _) = try stableStaticGroup(h)
        let result = try #require(h.join(instanceId: "inst-a", clientId: "a", supportsSkippingAssignment: false).value?.success)
        #expect(result.leaderId == idA, "not its own new id, so it does not reassign")
        #expect(result.memberId != idA)
        #expect(!result.skipAssignment)
        #expect(result.members.isEmpty)
        #expect(h.sync(generation: 1, memberId: result.memberId, instanceId: "inst-a").value?.success?.assignment == [0xA])
    }

    @Test func staticRejoinWithUnchangedProtocolChoiceNeedsNoRebalance() throws {
        let h = try GroupHarness()
        _ = try stableStaticGroup(h, protocols: ["range", "roundrobin"])
        // b now prefers roundrobin: one vote each, the leader's order breaks the tie → range stays.
        let rejoin = h.join(instanceId: "inst-b", clientId: "b",
                            protocols: GroupHarness.consumerProtocols(["roundrobin", "range"]))
        #expect(rejoin.value?.success?.generationId == 1)
        #expect(h.state() == .stable)
    }

    @Test func staticRejoinThatChangesTheChosenProtocolTriggersARebalance() throws {
        let h = try GroupHarness()
        let (idA, _) = try stableStaticGroup(h, protocols: ["range", "roundrobin"])
        let rejoinB = h.join(instanceId: "inst-b", clientId: "b",
                             protocols: GroupHarness.consumerProtocols(["roundrobin"]))
        #expect(!rejoinB.isDone)
        #expect(h.state() == .preparingRebalance)
        let rejoinA = h.join(memberId: idA, instanceId: "inst-a", clientId: "a",
                             protocols: GroupHarness.consumerProtocols(["range", "roundrobin"]))
        #expect(rejoinA.value?.success?.generationId == 2)
        #expect(rejoinA.value?.success?.protocolName == "roundrobin", "the only protocol both support")
        #expect(rejoinB.value?.success?.protocolName == "roundrobin")
    }

    @Test func staticRejoinFencesAnOldMemberStillWaitingInJoin() throws {
        let h = try GroupHarness()
        let (idA, idB) = try stableStaticGroup(h)
        let oldJoin = h.join(memberId: idA, instanceId: "inst-a", clientId: "a")  // leader forces a rebalance
        #expect(h.state() == .preparingRebalance)
        let newJoin = h.join(instanceId: "inst-a", clientId: "a")
        #expect(oldJoin.value?.failure == .fencedInstanceId)
        #expect(!newJoin.isDone, "the new incarnation takes its place in the rebalance")
        h.join(memberId: idB, instanceId: "inst-b", clientId: "b")
        let result = try #require(newJoin.value?.success)
        #expect(result.generationId == 2)
        #expect(Set(result.members.compactMap(\.groupInstanceId)) == ["inst-a", "inst-b"])
    }

    @Test func staticMembersThatDoNotRejoinStayInTheGroup() throws {
        let h = try GroupHarness()
        let (idA, idB) = try stableStaticGroup(h)
        let join = h.join(memberId: idA, instanceId: "inst-a", clientId: "a")
        h.scheduler.advance(byMs: 9_000)
        _ = h.coordinator.heartbeat(groupId: "g", memberId: idB, groupInstanceId: "inst-b", generationId: 1)
        h.scheduler.advance(byMs: 9_000)
        _ = h.coordinator.heartbeat(groupId: "g", memberId: idB, groupInstanceId: "inst-b", generationId: 1)
        h.scheduler.advance(byMs: 9_000)
        _ = h.coordinator.heartbeat(groupId: "g", memberId: idB, groupInstanceId: "inst-b", generationId: 1)
        h.scheduler.advance(byMs: 3_000)
        let result = try #require(join.value?.success)
        #expect(result.members.count == 2, "inst-b did not rejoin but is static, so it stays")
    }

    @Test func leaveByInstanceIdRemovesTheStaticMember() throws {
        let h = try GroupHarness()
        let (_, idB) = try stableStaticGroup(h)
        let results = try h.coordinator.leaveGroup(groupId: "g", members: [
            LeavingMember(memberId: "", groupInstanceId: "inst-b"),
            LeavingMember(memberId: "", groupInstanceId: "inst-unknown"),
        ]).get()
        #expect(results.map(\.error) == [nil, .unknownMemberId])
        #expect(h.state() == .preparingRebalance)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: idB, generationId: 1).failure == .unknownMemberId)
    }

    @Test func leaveWithAStaleMemberIdForAnInstanceIsFenced() throws {
        let h = try GroupHarness()
        let (_, idB) = try stableStaticGroup(h)
        _ = h.join(instanceId: "inst-b", clientId: "b")
        let results = try h.coordinator.leaveGroup(groupId: "g", members: [
            LeavingMember(memberId: idB, groupInstanceId: "inst-b"),
        ]).get()
        #expect(results.first?.error == .fencedInstanceId)
        #expect(h.state() == .stable)
    }

    @Test func failedWriteOfAStaticReplacementKeepsTheOldMemberId() throws {
        let h = try GroupHarness()
        let (_, idB) = try stableStaticGroup(h)
        h.store.failWrites = true
        #expect(h.join(instanceId: "inst-b", clientId: "b").value?.failure == .coordinatorNotAvailable)
        h.store.failWrites = false
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: idB, groupInstanceId: "inst-b", generationId: 1)
            .failure == nil)
        #expect(h.state() == .stable)
    }

    @Test func heartbeatsDuringCompletingRebalanceSucceed() throws {
        let h = try GroupHarness()
        let a = h.join(instanceId: "inst-a", clientId: "a")
        h.scheduler.advance(byMs: 100)
        let id = try #require(a.value?.success?.memberId)
        #expect(h.state() == .completingRebalance)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: id, groupInstanceId: "inst-a", generationId: 1)
            .failure == nil)
    }
}
