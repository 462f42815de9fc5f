import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

/// A whole consumer group's life through the router, as a client sees it: find the
/// coordinator, join (KIP-394 two-step), sync, heartbeat, commit, fetch, leave, rebalance,
/// describe, list and delete.
struct ConsumerGroupFlowTests {
    let group = "flow-group"
    let leaderAssignment = ByteBuffer(bytes: [0, 1, 0xAA])
    let followerAssignment = ByteBuffer(bytes: [0, 1, 0xBB, 0xCC])

    @Test func twoConsumersJoinSyncCommitFetchLeaveAndRebalance() async throws {
        // An initial delay long enough for both members to land in the first generation.
        let harness = try HandlerHarness { $0.groups.initialRebalanceDelayMs = 600 }
        try harness.createTopic("orders", partitions: 3)
        let coordinator = try await harness.coordinator(of: group)
        let (leader, follower) = try await joinTwoMembers(harness, coordinator)
        try await syncAndHeartbeat(harness, coordinator, leader: leader, follower: follower)
        try await commitAndFetch(harness, coordinator, leader: leader)
        try await followerLeavesAndLeaderRejoins(harness, coordinator, leader: leader, follower: follower)
        try await emptiedListedAndDeleted(harness, coordinator, leader: leader)
    }

    /// KIP-394: MEMBER_ID_REQUIRED, then both rejoin and are held until the rebalance
    /// completes. Returns the leader's and the follower's answers.
    func joinTwoMembers(_ harness: HandlerHarness, _ coordinator: Int32) async throws -> (JoinGroupResponse, JoinGroupResponse) {
        // First JoinGroup without a member id: MEMBER_ID_REQUIRED with an id to rejoin with.
        let firstA = try await harness.join(group, to: coordinator)
        let firstB = try await harness.join(group, to: coordinator)
        for first in [firstA, firstB] {
            #expect(first.errorCode == KafkaError.memberIdRequired.code)
            #expect(first.memberId.hasPrefix("handler-test-"))
            #expect(first.generationId == -1)
            #expect(first.leader == "")
            #expect(first.members.isEmpty)
        }
        #expect(firstA.memberId != firstB.memberId)

        // Both rejoin; each answer is held until the rebalance completes.
        async let joinA = harness.join(group, memberId: firstA.memberId, to: coordinator)
        async let joinB = harness.join(group, memberId: firstB.memberId, to: coordinator)
        let (a, b) = try await (joinA, joinB)
        for joined in [a, b] {
            #expect(joined.errorCode == 0)
            #expect(joined.generationId == 1)
            #expect(joined.protocolName == "range")
        }
        #expect(a.memberId == firstA.memberId && b.memberId == firstB.memberId)
        #expect(a.leader == b.leader)
        let (leader, follower) = a.leader == a.memberId ? (a, b) : (b, a)
        #expect(leader.members.map(\.memberId).sorted() == [a.memberId, b.memberId].sorted())
        #expect(leader.members.allSatisfy { $0.metadata.byteArray == HandlerHarness.subscription(["orders"]).byteArray })
        #expect(follower.members.isEmpty)
        return (leader, follower)
    }

    func syncAndHeartbeat(_ harness: HandlerHarness, _ coordinator: Int32,
                          leader: JoinGroupResponse, follower: JoinGroupResponse) async throws {
        // The follower's SyncGroup waits for the leader's, which carries both assignments.
        async let followerSync = harness.send(SyncGroupRequest(
            groupId: group, generationId: 1, memberId: follower.memberId, protocolType: "consumer", protocolName: "range"),
            version: 5, to: coordinator)
        async let leaderSync = harness.send(SyncGroupRequest(
            groupId: group, generationId: 1, memberId: leader.memberId, protocolType: "consumer", protocolName: "range",
            assignments: [.init(memberId: leader.memberId, assignment: leaderAssignment),
                          .init(memberId: follower.memberId, assignment: followerAssignment)]),
            version: 5, to: coordinator)
        let (syncedFollower, syncedLeader) = try await (followerSync, leaderSync)
        #expect(syncedLeader.errorCode == 0 && syncedFollower.errorCode == 0)
        #expect(syncedLeader.assignment == leaderAssignment)
        #expect(syncedFollower.assignment == followerAssignment)
        #expect(syncedFollower.protocolType == "consumer" && syncedFollower.protocolName == "range")

        for member in [leader, follower] {
            let beat = try await harness.send(HeartbeatRequest(groupId: group, generationId: 1, memberId: member.memberId),
                                              version: 4, to: coordinator)
            #expect(beat.errorCode == 0)
        }
    }

    func commitAndFetch(_ harness: HandlerHarness, _ coordinator: Int32, leader: JoinGroupResponse) async throws {
        // The leader commits with its generation; leader epoch and metadata are kept (v8).
        let commit = try await harness.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: 1, memberId: leader.memberId,
            topics: [.init(name: "orders", partitions: [
                .init(partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: "m0"),
                .init(partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: nil),
            ])]), version: 8, to: coordinator)
        #expect(commit.topics.map(\.name) == ["orders"])
        #expect(commit.topics[0].partitions.map(\.partitionIndex) == [0, 1])
        #expect(commit.topics[0].partitions.map(\.errorCode) == [0, 0])

        // OffsetFetch v1: the partitions asked, -1 where nothing is committed.
        let fetchV1 = try await harness.send(OffsetFetchRequest(
            groupId: group, topics: [.init(name: "orders", partitionIndexes: [0, 1, 2])]), version: 1, to: coordinator)
        let v1Partitions = try #require(fetchV1.topics.first { $0.name == "orders" }).partitions
        #expect(v1Partitions.map(\.partitionIndex) == [0, 1, 2])
        #expect(v1Partitions.map(\.committedOffset) == [42, 7, -1])
        #expect(v1Partitions.map(\.metadata) == ["m0", "", ""])
        #expect(v1Partitions.map(\.errorCode) == [0, 0, 0])

        // OffsetFetch v8: null topics = everything the group committed, with leader epochs.
        let fetchV8 = try await harness.send(OffsetFetchRequest(groups: [.init(groupId: group, topics: nil)]),
                                             version: 8, to: coordinator)
        let fetchedGroup = try #require(fetchV8.groups.first)
        #expect(fetchV8.groups.count == 1 && fetchedGroup.groupId == group && fetchedGroup.errorCode == 0)
        #expect(fetchedGroup.topics.map(\.name) == ["orders"])
        let v8Partitions = fetchedGroup.topics[0].partitions
        #expect(v8Partitions.map(\.partitionIndex) == [0, 1])
        #expect(v8Partitions.map(\.committedOffset) == [42, 7])
        #expect(v8Partitions.map(\.committedLeaderEpoch) == [3, -1])
        #expect(v8Partitions.map(\.metadata) == ["m0", ""])
    }

    func followerLeavesAndLeaderRejoins(_ harness: HandlerHarness, _ coordinator: Int32,
                                        leader: JoinGroupResponse, follower: JoinGroupResponse) async throws {
        // The follower leaves; the leader's next heartbeat says rebalance, and it rejoins alone.
        let leave = try await harness.send(LeaveGroupRequest(groupId: group, members: [.init(memberId: follower.memberId)]),
                                           version: 3, to: coordinator)
        #expect(leave.errorCode == 0)
        #expect(leave.members.map(\.memberId) == [follower.memberId])
        #expect(leave.members.map(\.errorCode) == [0])
        let beat = try await harness.send(HeartbeatRequest(groupId: group, generationId: 1, memberId: leader.memberId),
                                          version: 4, to: coordinator)
        #expect(beat.errorCode == KafkaError.rebalanceInProgress.code)
        let rejoined = try await harness.join(group, memberId: leader.memberId, to: coordinator)
        #expect(rejoined.errorCode == 0)
        #expect(rejoined.generationId == 2)
        #expect(rejoined.leader == leader.memberId)
        #expect(rejoined.members.map(\.memberId) == [leader.memberId])
        let resynced = try await harness.send(SyncGroupRequest(
            groupId: group, generationId: 2, memberId: leader.memberId,
            assignments: [.init(memberId: leader.memberId, assignment: leaderAssignment)]), version: 4, to: coordinator)
        #expect(resynced.errorCode == 0)
        #expect(resynced.assignment == leaderAssignment)
        let oldGeneration = try await harness.send(HeartbeatRequest(groupId: group, generationId: 1, memberId: leader.memberId),
                                                   version: 4, to: coordinator)
        #expect(oldGeneration.errorCode == KafkaError.illegalGeneration.code)
        let current = try await harness.send(HeartbeatRequest(groupId: group, generationId: 2, memberId: leader.memberId),
                                             version: 4, to: coordinator)
        #expect(current.errorCode == 0)
        let goneMember = try await harness.send(HeartbeatRequest(groupId: group, generationId: 2, memberId: follower.memberId),
                                                version: 4, to: coordinator)
        #expect(goneMember.errorCode == KafkaError.unknownMemberId.code)

        // Stable: described with protocol, members, metadata and assignment.
        let described = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 5, to: coordinator)
        let description = try #require(described.groups.first)
        #expect(description.errorCode == 0 && description.errorMessage == nil)
        #expect(description.groupState == "Stable")
        #expect(description.protocolType == "consumer")
        #expect(description.protocolData == "range")
        #expect(description.members.map(\.memberId) == [leader.memberId])
        #expect(description.members.first?.clientId == "handler-test")
        #expect(description.members.first?.clientHost == "/127.0.0.1")
        #expect(description.members.first?.memberMetadata == HandlerHarness.subscription(["orders"]))
        #expect(description.members.first?.memberAssignment == leaderAssignment)
    }

    func emptiedListedAndDeleted(_ harness: HandlerHarness, _ coordinator: Int32, leader: JoinGroupResponse) async throws {
        // The last member leaves (v1: one member, top-level error): the group is Empty.
        let lastLeave = try await harness.send(LeaveGroupRequest(groupId: group, memberId: leader.memberId),
                                               version: 1, to: coordinator)
        #expect(lastLeave.errorCode == 0)
        let empty = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 0, to: coordinator)
        #expect(empty.groups.map(\.groupState) == ["Empty"])
        #expect(empty.groups.first?.members.isEmpty == true)
        #expect(empty.groups.first?.protocolData == "")

        let listed = try await harness.send(ListGroupsRequest(statesFilter: ["empty"]), version: 4, to: coordinator)
        #expect(listed.errorCode == 0)
        #expect(listed.groups.map(\.groupId) == [group])
        #expect(listed.groups.map(\.groupState) == ["Empty"])
        #expect(listed.groups.map(\.protocolType) == ["consumer"])

        // Deleted with its offsets: Dead (no error before v6), unlisted, nothing to fetch.
        let deleted = try await harness.send(DeleteGroupsRequest(groupsNames: [group]), version: 2, to: coordinator)
        #expect(deleted.results.map(\.groupId) == [group])
        #expect(deleted.results.map(\.errorCode) == [0])
        let dead = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 5, to: coordinator)
        #expect(dead.groups.map(\.groupState) == ["Dead"])
        #expect(dead.groups.map(\.errorCode) == [0])
        let afterDelete = try await harness.send(ListGroupsRequest(), version: 0, to: coordinator)
        #expect(afterDelete.groups.isEmpty)
        let noOffsets = try await harness.send(OffsetFetchRequest(groupId: group, topics: nil), version: 7, to: coordinator)
        #expect(noOffsets.errorCode == 0)
        #expect(noOffsets.topics.isEmpty)
    }
}
