import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

/// Every group request sent to a broker that does not coordinate the group answers
/// NOT_COORDINATOR where the API puts group errors, and changes nothing.
struct NotCoordinatorTests {
    @Test func membershipRequestsOnTheWrongBrokerAreNotCoordinator() async throws {
        let harness = try HandlerHarness()
        let group = "misdirected"
        let coordinator = try await harness.coordinator(of: group)
        let wrong = try await harness.nonCoordinator(of: group)
        let (memberId, generation) = try await harness.stableMember(group, to: coordinator)
        let code = KafkaError.notCoordinator.code

        for version: Int16 in [0, 4, 9] {
            let join = try await harness.join(group, memberId: memberId, version: version, to: wrong)
            #expect(join.errorCode == code)
            #expect(join.generationId == -1 && join.leader == "" && join.members.isEmpty)
            #expect(join.memberId == memberId)
        }
        let sync = try await harness.send(SyncGroupRequest(groupId: group, generationId: generation, memberId: memberId),
                                          version: 5, to: wrong)
        #expect(sync.errorCode == code)
        #expect(sync.protocolType == nil && sync.protocolName == nil && sync.assignment.readableBytes == 0)
        let beat = try await harness.send(HeartbeatRequest(groupId: group, generationId: generation, memberId: memberId),
                                          version: 0, to: wrong)
        #expect(beat.errorCode == code)
        let leaveV0 = try await harness.send(LeaveGroupRequest(groupId: group, memberId: memberId), version: 0, to: wrong)
        #expect(leaveV0.errorCode == code)
        let leaveV5 = try await harness.send(LeaveGroupRequest(groupId: group, members: [.init(memberId: memberId)]),
                                             version: 5, to: wrong)
        #expect(leaveV5.errorCode == code)
        #expect(leaveV5.members.isEmpty)

        // The member is still there and Stable on its coordinator.
        let still = try await harness.send(HeartbeatRequest(groupId: group, generationId: generation, memberId: memberId),
                                           version: 4, to: coordinator)
        #expect(still.errorCode == 0)
    }

    @Test func offsetRequestsOnTheWrongBrokerAreNotCoordinator() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        let group = "misdirected-offsets"
        let coordinator = try await harness.coordinator(of: group)
        let wrong = try await harness.nonCoordinator(of: group)
        let code = KafkaError.notCoordinator.code
        #expect(try await harness.simpleCommit(group, topic: "orders", [0: 5], to: coordinator).topics[0].partitions[0].errorCode == 0)

        // OffsetCommit: on every partition of a known topic; an unknown topic is still unknown.
        let commit = try await harness.send(OffsetCommitRequest(groupId: group, topics: [
            .init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 9), .init(partitionIndex: 1, committedOffset: 9)]),
            .init(name: "no-such-topic", partitions: [.init(partitionIndex: 0, committedOffset: 9)]),
        ]), version: 9, to: wrong)
        #expect(commit.topics.map(\.name) == ["orders", "no-such-topic"])
        #expect(commit.topics[0].partitions.map(\.errorCode) == [code, code])
        #expect(commit.topics[1].partitions.map(\.errorCode) == [KafkaError.unknownTopicOrPartition.code])

        // OffsetFetch v1: no top-level error, so each partition carries it with offset -1.
        let v1 = try await harness.send(OffsetFetchRequest(groupId: group, topics: [.init(name: "orders", partitionIndexes: [0, 1])]),
                                        version: 1, to: wrong)
        #expect(v1.topics.map(\.name) == ["orders"])
        #expect(v1.topics[0].partitions.map(\.partitionIndex) == [0, 1])
        #expect(v1.topics[0].partitions.map(\.errorCode) == [code, code])
        #expect(v1.topics[0].partitions.map(\.committedOffset) == [-1, -1])
        // v2-7: the top-level error, no topics.
        for version: Int16 in [2, 7] {
            let response = try await harness.send(OffsetFetchRequest(groupId: group, topics: nil), version: version, to: wrong)
            #expect(response.errorCode == code)
            #expect(response.topics.isEmpty)
        }
        // v8+: per group; a group this broker does coordinate is answered beside it.
        let local = try await harness.groupId("local", coordinatedBy: wrong)
        #expect(try await harness.simpleCommit(local, topic: "orders", [2: 11], to: wrong).topics[0].partitions[0].errorCode == 0)
        let v8 = try await harness.send(OffsetFetchRequest(groups: [
            .init(groupId: group, topics: nil), .init(groupId: local, topics: nil),
        ]), version: 9, to: wrong)
        #expect(v8.groups.map(\.groupId) == [group, local])
        #expect(v8.groups.map(\.errorCode) == [code, 0])
        #expect(v8.groups[0].topics.isEmpty)
        #expect(v8.groups[1].topics.map(\.name) == ["orders"])
        #expect(v8.groups[1].topics.first?.partitions.map(\.committedOffset) == [11])

        let deleteOffsets = try await harness.send(OffsetDeleteRequest(groupId: group, topics: [
            .init(name: "orders", partitions: [.init(partitionIndex: 0)]),
        ]), version: 0, to: wrong)
        #expect(deleteOffsets.errorCode == code)
        #expect(deleteOffsets.topics.isEmpty)

        // Nothing changed on the coordinator.
        let fetched = try await harness.send(OffsetFetchRequest(groupId: group, topics: [.init(name: "orders", partitionIndexes: [0])]),
                                             version: 3, to: coordinator)
        #expect(fetched.topics.first?.partitions.map(\.committedOffset) == [5])
    }

    @Test func adminRequestsOnTheWrongBrokerAreNotCoordinatorPerGroup() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        let group = "misdirected-admin"
        let coordinator = try await harness.coordinator(of: group)
        let wrong = try await harness.nonCoordinator(of: group)
        _ = try await harness.simpleCommit(group, topic: "orders", [0: 1], to: coordinator)
        let local = try await harness.groupId("admin-local", coordinatedBy: wrong)
        _ = try await harness.simpleCommit(local, topic: "orders", [0: 1], to: wrong)

        let described = try await harness.send(DescribeGroupsRequest(groups: [group, local]), version: 5, to: wrong)
        #expect(described.groups.map(\.groupId) == [group, local])
        #expect(described.groups.map(\.errorCode) == [KafkaError.notCoordinator.code, 0])
        #expect(described.groups.map(\.groupState) == ["", "Empty"])

        // ListGroups lists what each broker coordinates: the group only on its coordinator.
        let listedWrong = try await harness.send(ListGroupsRequest(), version: 0, to: wrong)
        #expect(listedWrong.groups.map(\.groupId) == [local])
        let listedRight = try await harness.send(ListGroupsRequest(), version: 0, to: coordinator)
        #expect(listedRight.groups.map(\.groupId).contains(group))
        #expect(!listedRight.groups.map(\.groupId).contains(local))

        let deleted = try await harness.send(DeleteGroupsRequest(groupsNames: [group, local]), version: 1, to: wrong)
        #expect(deleted.results.map(\.groupId) == [group, local])
        #expect(deleted.results.map(\.errorCode) == [KafkaError.notCoordinator.code, 0])
        let stillThere = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 0, to: coordinator)
        #expect(stillThere.groups.map(\.groupState) == ["Empty"])
    }
}
