import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

/// DescribeGroups, ListGroups, DeleteGroups and OffsetDelete as admin tools use them.
struct GroupAdminHandlerTests {
    @Test func describeAnswersUnknownGroupsAsDeadWithoutAnErrorAndOperationsWhenAsked() async throws {
        let harness = try HandlerHarness()
        let group = "described"
        let coordinator = try await harness.coordinator(of: group)
        let (memberId, _) = try await harness.stableMember(group, to: coordinator)
        let unknown = try await harness.groupId("never-used", coordinatedBy: coordinator)

        let v0 = try await harness.send(DescribeGroupsRequest(groups: [unknown, group]), version: 0, to: coordinator)
        #expect(v0.groups.map(\.groupId) == [unknown, group])
        #expect(v0.groups.map(\.errorCode) == [0, 0])
        #expect(v0.groups.map(\.groupState) == ["Dead", "Stable"])
        #expect(v0.groups[0].protocolType == "" && v0.groups[0].protocolData == "" && v0.groups[0].members.isEmpty)
        #expect(v0.groups[1].members.map(\.memberId) == [memberId])
        #expect(v0.groups[1].members.first?.memberAssignment == ByteBuffer(bytes: [1, 2, 3]))

        // v3+: authorized operations only when asked (Kafka's "not requested" is Int32.min).
        let without = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 3, to: coordinator)
        #expect(without.groups.first?.authorizedOperations == Int32.min)
        let with = try await harness.send(DescribeGroupsRequest(groups: [group], includeAuthorizedOperations: true),
                                          version: 3, to: coordinator)
        // READ | DELETE | DESCRIBE | DESCRIBE_CONFIGS | ALTER_CONFIGS.
        #expect(with.groups.first?.authorizedOperations == 3400)
    }

    @Test func describeShowsStaticMembersAndHidesAssignmentsWhileRebalancing() async throws {
        let harness = try HandlerHarness()
        let group = "static-group"
        let coordinator = try await harness.coordinator(of: group)
        // A static member joins at once (no MEMBER_ID_REQUIRED round) and its id names it.
        let joined = try await harness.join(group, instanceId: "host-a", to: coordinator)
        #expect(joined.errorCode == 0)
        #expect(joined.memberId.hasPrefix("host-a-"))
        #expect(joined.members.map(\.groupInstanceId) == ["host-a"])

        // Joined, not yet synced: CompletingRebalance, no protocol, no member bytes.
        let completing = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 5, to: coordinator)
        let described = try #require(completing.groups.first)
        #expect(described.groupState == "CompletingRebalance")
        #expect(described.protocolType == "consumer")
        #expect(described.protocolData == "")
        #expect(described.members.map(\.groupInstanceId) == ["host-a"])
        #expect(described.members.first?.memberMetadata.readableBytes == 0)
        #expect(described.members.first?.memberAssignment.readableBytes == 0)

        let listed = try await harness.send(ListGroupsRequest(statesFilter: ["CompletingRebalance"]), version: 4, to: coordinator)
        #expect(listed.groups.map(\.groupId) == [group])
        let none = try await harness.send(ListGroupsRequest(statesFilter: ["Stable", "NoSuchState"]), version: 4, to: coordinator)
        #expect(none.groups.isEmpty)
    }

    @Test func listGroupsFiltersByTypeFromV5() async throws {
        let harness = try HandlerHarness()
        let group = "typed"
        let coordinator = try await harness.coordinator(of: group)
        _ = try await harness.stableMember(group, to: coordinator)

        let all = try await harness.send(ListGroupsRequest(), version: 5, to: coordinator)
        #expect(all.groups.map(\.groupId) == [group])
        #expect(all.groups.map(\.groupType) == ["classic"])
        #expect(all.groups.map(\.groupState) == ["Stable"])
        let classic = try await harness.send(ListGroupsRequest(typesFilter: ["Classic"]), version: 5, to: coordinator)
        #expect(classic.groups.map(\.groupId) == [group])
        let consumer = try await harness.send(ListGroupsRequest(typesFilter: ["consumer"]), version: 5, to: coordinator)
        #expect(consumer.errorCode == 0)
        #expect(consumer.groups.isEmpty)
        let v0 = try await harness.send(ListGroupsRequest(), version: 0, to: coordinator)
        #expect(v0.groups.map(\.groupId) == [group])
        #expect(v0.groups.map(\.protocolType) == ["consumer"])
    }

    @Test func deleteGroupsRefusesActiveAndUnknownGroups() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        let active = "active-group"
        let coordinator = try await harness.coordinator(of: active)
        _ = try await harness.stableMember(active, to: coordinator)
        let simple = try await harness.groupId("simple", coordinatedBy: coordinator)
        _ = try await harness.simpleCommit(simple, topic: "orders", [0: 3, 1: 4], to: coordinator)
        let unknown = try await harness.groupId("unknown", coordinatedBy: coordinator)

        let deleted = try await harness.send(DeleteGroupsRequest(groupsNames: [active, simple, unknown]), version: 0, to: coordinator)
        #expect(deleted.results.map(\.groupId) == [active, simple, unknown])
        #expect(deleted.results.map(\.errorCode) == [
            KafkaError.nonEmptyGroup.code, 0, KafkaError.groupIdNotFound.code,
        ])
        let fetched = try await harness.send(OffsetFetchRequest(groupId: simple, topics: nil), version: 5, to: coordinator)
        #expect(fetched.topics.isEmpty)
        let again = try await harness.send(DeleteGroupsRequest(groupsNames: [simple]), version: 2, to: coordinator)
        #expect(again.results.map(\.errorCode) == [KafkaError.groupIdNotFound.code])
    }

    @Test func offsetDeleteKeepsSubscribedTopicsOfAnActiveGroup() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        try harness.createTopic("audit")
        let group = "offset-delete"
        let coordinator = try await harness.coordinator(of: group)
        let (memberId, generation) = try await harness.stableMember(group, topics: ["orders"], to: coordinator)
        let commit = try await harness.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: memberId,
            topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 10)]),
                     .init(name: "audit", partitions: [.init(partitionIndex: 0, committedOffset: 20)])]),
            version: 7, to: coordinator)
        #expect(commit.topics.flatMap(\.partitions).map(\.errorCode) == [0, 0])

        let response = try await harness.send(OffsetDeleteRequest(groupId: group, topics: [
            .init(name: "orders", partitions: [.init(partitionIndex: 0)]),
            .init(name: "audit", partitions: [.init(partitionIndex: 0)]),
            .init(name: "no-such-topic", partitions: [.init(partitionIndex: 0)]),
        ]), version: 0, to: coordinator)
        #expect(response.errorCode == 0)
        #expect(response.topics.map(\.name) == ["orders", "audit", "no-such-topic"])
        #expect(response.topics.map { $0.partitions.map(\.errorCode) } == [
            [KafkaError.groupSubscribedToTopic.code], [0], [KafkaError.unknownTopicOrPartition.code],
        ])
        let fetched = try await harness.send(OffsetFetchRequest(groupId: group, topics: [
            .init(name: "orders", partitionIndexes: [0]), .init(name: "audit", partitionIndexes: [0]),
        ]), version: 6, to: coordinator)
        #expect(fetched.topics.map(\.name) == ["orders", "audit"])
        #expect(fetched.topics.map { $0.partitions.map(\.committedOffset) } == [[10], [-1]])
    }

    @Test func offsetDeleteGroupErrorsAreTopLevel() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        let unknown = "no-such-group"
        let coordinator = try await harness.coordinator(of: unknown)
        let missing = try await harness.send(OffsetDeleteRequest(groupId: unknown, topics: [
            .init(name: "orders", partitions: [.init(partitionIndex: 0)]),
        ]), version: 0, to: coordinator)
        #expect(missing.errorCode == KafkaError.groupIdNotFound.code)
        #expect(missing.topics.isEmpty)
        let invalid = try await harness.send(OffsetDeleteRequest(groupId: ""), version: 0, to: coordinator)
        #expect(invalid.errorCode == KafkaError.invalidGroupId.code)

        // An Empty group loses the named offsets and keeps the others.
        let simple = try await harness.groupId("simple", coordinatedBy: coordinator)
        _ = try await harness.simpleCommit(simple, topic: "orders", [0: 1, 1: 2], to: coordinator)
        let deleted = try await harness.send(OffsetDeleteRequest(groupId: simple, topics: [
            .init(name: "orders", partitions: [.init(partitionIndex: 0)]),
        ]), version: 0, to: coordinator)
        #expect(deleted.errorCode == 0)
        #expect(deleted.topics.first?.partitions.map(\.errorCode) == [0])
        let left = try await harness.send(OffsetFetchRequest(groupId: simple, topics: nil), version: 4, to: coordinator)
        #expect(left.topics.first?.partitions.map(\.partitionIndex) == [1])
    }
}
