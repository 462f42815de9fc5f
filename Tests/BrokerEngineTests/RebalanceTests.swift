import BrokerEngine
import Testing

@Suite("Classic group rebalances")
struct RebalanceTests {
    @Test func newMemberGetsMemberIdRequiredThenJoinsAfterInitialDelay() throws {
        let h = try GroupHarness()
        let first = h.join(clientId: "client-a")
        guard case .failure(.memberIdRequired(let id)) = first.value else {
            Issue.record("expected MEMBER_ID_REQUIRED, got \(String(describing: first.value))")
            return
        }
        #expect(id.hasPrefix("client-a-"))
        #expect(GroupError.memberIdRequired(memberId: id).kafkaCode == 79)

        let second = h.join(memberId: id, clientId: "client-a")
        #expect(!second.isDone)
        #expect(h.state() == .preparingRebalance)
        h.scheduler.advance(byMs: 99)
        #expect(!second.isDone, "held for group.initial.rebalance.delay.ms")
        h.scheduler.advance(byMs: 1)
        let result = try #require(second.value?.success)
        #expect(result.memberId == id)
        #expect(result.generationId == 1)
        #expect(result.leaderId == id)
        #expect(result.protocolName == "range")
        #expect(result.protocolType == "consumer")
        #expect(result.members.map(\.memberId) == [id])
        #expect(result.members.first?.metadata == subscriptionBytes(topics: ["orders"]))
        #expect(h.state() == .completingRebalance)
    }

    @Test func initialDelayExtendsWhileNewMembersKeepJoining() throws {
        let h = try GroupHarness()
        let a = h.join(clientId: "a", requireKnownMemberId: false)
        h.scheduler.advance(byMs: 50)
        let b = h.join(clientId: "b", requireKnownMemberId: false)
        h.scheduler.advance(byMs: 50)
        #expect(!a.isDone && !b.isDone, "a newcomer during the delay extends it")
        h.scheduler.advance(byMs: 100)
        let leader = try #require(a.value?.success)
        let follower = try #require(b.value?.success)
        #expect(leader.leaderId == leader.memberId, "the first member to join leads")
        #expect(follower.leaderId == leader.memberId)
        #expect(leader.members.count == 2)
        #expect(follower.members.isEmpty, "only the leader gets the members' metadata")
        #expect(leader.generationId == 1 && follower.generationId == 1)
    }

    @Test func initialDelayNeverExceedsTheRebalanceTimeout() throws {
        let h = try GroupHarness()
        let first = h.join(clientId: "m0", rebalanceTimeoutMs: 300, requireKnownMemberId: false)
        var elapsed: Int64 = 0
        while !first.isDone && elapsed < 2_000 {
            h.join(clientId: "m\(elapsed)", rebalanceTimeoutMs: 300, requireKnownMemberId: false)
            h.scheduler.advance(byMs: 50)
            elapsed += 50
        }
        #expect(first.isDone)
        #expect(elapsed <= 400, "delay 100 plus at most the 300 ms budget")
    }

    @Test func syncDistributesTheLeadersAssignmentsAndMissingOnesAreEmpty() throws {
        let h = try GroupHarness()
        let a = try #require(h.memberId(clientId: "a"))
        let b = try #require(h.memberId(clientId: "b"))
        let c = try #require(h.memberId(clientId: "c"))
        let joins = [a, b, c].map { h.join(memberId: $0, clientId: "x") }
        h.scheduler.advance(byMs: 200)
        #expect(joins.allSatisfy { $0.value?.success?.generationId == 1 })

        let followerB = h.sync(generation: 1, memberId: b)
        let followerC = h.sync(generation: 1, memberId: c)
        #expect(!followerB.isDone, "followers wait for the leader")
        let leader = h.sync(generation: 1, memberId: a, assignments: [a: [0xA], b: [0xB], "stranger": [9]])
        #expect(leader.value?.success?.assignment == [0xA])
        #expect(followerB.value?.success?.assignment == [0xB])
        #expect(followerC.value?.success?.assignment == [], "left out by the leader: empty")
        #expect(followerB.value?.success?.protocolName == "range")
        #expect(h.state() == .stable)
        // A late SyncGroup in a Stable group gets the current assignment at once.
        #expect(h.sync(generation: 1, memberId: b).value?.success?.assignment == [0xB])
        #expect(h.store.storedGroups["g"]?.members.count == 3, "the leader's sync persists the group")
    }

    @Test func thirdMemberJoiningTriggersARebalanceThatTheOthersRejoin() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        let c = try #require(h.memberId(clientId: "c"))
        let joinC = h.join(memberId: c, clientId: "c")
        #expect(h.state() == .preparingRebalance)
        #expect(!joinC.isDone)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1).failure == .rebalanceInProgress)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: b, generationId: 1).failure == .rebalanceInProgress)
        let joinA = h.join(memberId: a, clientId: "a")
        #expect(!joinA.isDone)
        let joinB = h.join(memberId: b, clientId: "b")
        // Everyone rejoined: the join completes without waiting for a timer.
        let resultA = try #require(joinA.value?.success)
        #expect(resultA.generationId == 2)
        #expect(resultA.leaderId == a, "the leader keeps leading")
        #expect(Set(resultA.members.map(\.memberId)) == [a, b, c])
        #expect(joinB.value?.success?.members == [])
        #expect(joinC.value?.success?.generationId == 2)
    }

    @Test func memberLeavingTriggersARebalance() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        let left = try h.coordinator.leaveGroup(groupId: "g", members: [LeavingMember(memberId: b)]).get()
        #expect(left == [LeaveResult(memberId: b, groupInstanceId: nil, error: nil)])
        #expect(h.state() == .preparingRebalance)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1).failure == .rebalanceInProgress)
        let rejoin = h.join(memberId: a, clientId: "a")
        let result = try #require(rejoin.value?.success)
        #expect(result.generationId == 2)
        #expect(result.members.map(\.memberId) == [a])
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: b, generationId: 2).failure == .unknownMemberId)
    }

    @Test func leaderLeavingHandsLeadershipToTheNextMember() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.leaveGroup(groupId: "g", members: [LeavingMember(memberId: a)])
        let result = try #require(h.join(memberId: b, clientId: "b").value?.success)
        #expect(result.leaderId == b)
        #expect(result.members.map(\.memberId) == [b])
    }

    @Test func lastMemberLeavingEmptiesTheGroupAndBumpsTheGeneration() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.leaveGroup(groupId: "g", members: [LeavingMember(memberId: a), LeavingMember(memberId: b)])
        #expect(h.state() == .empty)
        #expect(h.store.storedGroups["g"]?.generationId == 2)
        #expect(h.store.storedGroups["g"]?.members == [])
    }

    @Test func sessionTimeoutRemovesASilentMemberAndRebalances() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        h.scheduler.advance(byMs: 9_000)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1).failure == nil)
        #expect(h.state() == .stable)
        h.scheduler.advance(byMs: 2_000)
        // b's last sign of life was its sync, more than the 10 s session ago.
        #expect(h.state() == .preparingRebalance)
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: b, generationId: 1).failure == .unknownMemberId)
        let result = try #require(h.join(memberId: a, clientId: "a").value?.success)
        #expect(result.members.map(\.memberId) == [a])
        #expect(result.generationId == 2)
    }

    @Test func membersThatDoNotRejoinWithinTheRebalanceTimeoutAreRemoved() throws {
        let h = try GroupHarness()
        let (a, b) = try #require(h.stableGroupOfTwo())
        let joinA = h.join(memberId: a, clientId: "a")  // the leader forces a rebalance
        #expect(h.state() == .preparingRebalance)
        // b keeps heartbeating (so its session holds) but never rejoins.
        for _ in 0..<5 {
            h.scheduler.advance(byMs: 5_000)
            _ = h.coordinator.heartbeat(groupId: "g", memberId: b, generationId: 1)
        }
        #expect(!joinA.isDone)
        h.scheduler.advance(byMs: 5_000)
        let result = try #require(joinA.value?.success)
        #expect(result.members.map(\.memberId) == [a])
        #expect(h.coordinator.heartbeat(groupId: "g", memberId: b, generationId: 2).failure == .unknownMemberId)
    }

    @Test func membersThatNeverSyncAreRemovedAfterTheRebalanceTimeout() throws {
        let h = try GroupHarness()
        let a = try #require(h.memberId(clientId: "a"))
        let b = try #require(h.memberId(clientId: "b"))
        h.join(memberId: a, clientId: "a")
        // b's session outlasts the rebalance timeout: the sync deadline removes it, not the session.
        h.join(memberId: b, clientId: "b", sessionTimeoutMs: 60_000)
        h.scheduler.advance(byMs: 200)
        h.sync(generation: 1, memberId: a, assignments: [a: [1], b: [2]])
        #expect(h.state() == .stable)
        for _ in 0..<6 {  // a heartbeats, b stays silent past the rebalance timeout
            h.scheduler.advance(byMs: 5_000)
            _ = h.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1)
        }
        #expect(h.state() == .preparingRebalance, "b never sent SyncGroup")
        let rejoin = h.join(memberId: a, clientId: "a")
        #expect(rejoin.value?.success?.members.map(\.memberId) == [a])
    }

    @Test func waitingFollowerSyncIsToldToRejoinWhenARebalanceStarts() throws {
        let h = try GroupHarness()
        let a = try #require(h.memberId(clientId: "a"))
        let b = try #require(h.memberId(clientId: "b"))
        h.join(memberId: a, clientId: "a")
        h.join(memberId: b, clientId: "b")
        h.scheduler.advance(byMs: 200)
        let waiting = h.sync(generation: 1, memberId: b)
        #expect(!waiting.isDone)
        h.join(clientId: "c", requireKnownMemberId: false)
        #expect(waiting.value?.failure == .rebalanceInProgress)
    }

    @Test func pendingMemberIdExpiresAfterTheSessionTimeout() throws {
        let h = try GroupHarness()
        let id = try #require(h.memberId(clientId: "a"))
        h.scheduler.advance(byMs: Int64(GroupHarness.sessionTimeoutMs))
        #expect(h.join(memberId: id, clientId: "a").value?.failure == .unknownMemberId)
    }

    @Test func newMemberWaitingInJoinIsDroppedAfterTheNewMemberTimeout() throws {
        let h = try GroupHarness()
        let long: Int32 = 600_000
        let a = h.join(clientId: "a", rebalanceTimeoutMs: long, requireKnownMemberId: false)
        h.scheduler.advance(byMs: 200)
        let memberA = try #require(a.value?.success?.memberId)
        h.sync(generation: 1, memberId: memberA, assignments: [memberA: [1]])
        // c joins; a keeps heartbeating but never rejoins, so the rebalance waits 10 minutes.
        let joinC = h.join(clientId: "c", rebalanceTimeoutMs: long, requireKnownMemberId: false)
        for _ in 0..<60 {
            h.scheduler.advance(byMs: 5_000)
            _ = h.coordinator.heartbeat(groupId: "g", memberId: memberA, generationId: 1)
        }
        #expect(joinC.value?.failure == .unknownMemberId, "a new member may wait 5 minutes (KIP-394)")
    }
}
