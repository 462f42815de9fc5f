import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

/// OffsetCommit's per-partition answers, simple (admin) commits and what OffsetFetch reads back.
struct OffsetCommitHandlerTests {
    @Test func aSimpleCommitCreatesAnEmptyGroupAndIsRefusedOnceTheGroupHasMembers() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        let group = "standalone"
        let coordinator = try await harness.coordinator(of: group)

        // Generation -1, no member id: a standalone consumer or an admin tool (v2, with a
        // retention time that is ignored).
        let commit = try await harness.send(OffsetCommitRequest(
            groupId: group, retentionTimeMs: 1, topics: [.init(name: "orders", partitions: [
                .init(partitionIndex: 0, committedOffset: 100, committedMetadata: "admin"),
            ])]), version: 2, to: coordinator)
        #expect(commit.topics.flatMap(\.partitions).map(\.errorCode) == [0])
        let described = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 0, to: coordinator)
        #expect(described.groups.map(\.groupState) == ["Empty"])
        #expect(described.groups.map(\.protocolType) == [""])
        let fetched = try await harness.send(OffsetFetchRequest(groupId: group, topics: [.init(name: "orders", partitionIndexes: [0])]),
                                             version: 1, to: coordinator)
        #expect(fetched.topics.first?.partitions.map(\.committedOffset) == [100])
        #expect(fetched.topics.first?.partitions.map(\.metadata) == ["admin"])

        // Once a consumer joins, a simple commit would race its commits.
        let (memberId, generation) = try await harness.stableMember(group, to: coordinator)
        let refused = try await harness.simpleCommit(group, topic: "orders", [0: 5, 1: 6], to: coordinator)
        #expect(refused.topics.flatMap(\.partitions).map(\.errorCode) == [
            KafkaError.unknownMemberId.code, KafkaError.unknownMemberId.code,
        ])
        let stale = try await harness.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation - 1, memberId: memberId,
            topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 5)])]), version: 3, to: coordinator)
        #expect(stale.topics.flatMap(\.partitions).map(\.errorCode) == [KafkaError.illegalGeneration.code])
        let stranger = try await harness.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: "stranger",
            topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 5)])]), version: 3, to: coordinator)
        #expect(stranger.topics.flatMap(\.partitions).map(\.errorCode) == [KafkaError.unknownMemberId.code])
        let unchanged = try await harness.send(OffsetFetchRequest(groupId: group, topics: nil), version: 2, to: coordinator)
        #expect(unchanged.topics.first?.partitions.map(\.committedOffset) == [100])
    }

    @Test func errorsArePerPartition() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders", partitions: 2)
        let group = "per-partition"
        let coordinator = try await harness.coordinator(of: group)
        let (memberId, generation) = try await harness.stableMember(group, to: coordinator)

        let response = try await harness.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: memberId, topics: [
                .init(name: "orders", partitions: [
                    .init(partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: 4, committedMetadata: "ok"),
                    .init(partitionIndex: 1, committedOffset: 2, committedMetadata: String(repeating: "x", count: 4097)),
                    .init(partitionIndex: 7, committedOffset: 3),
                ]),
                .init(name: "ghost", partitions: [.init(partitionIndex: 0, committedOffset: 4)]),
            ]), version: 6, to: coordinator)
        #expect(response.topics.map(\.name) == ["orders", "ghost"])
        #expect(response.topics[0].partitions.map(\.partitionIndex) == [0, 1, 7])
        #expect(response.topics[0].partitions.map(\.errorCode) == [
            0, KafkaError.offsetMetadataTooLarge.code, KafkaError.unknownTopicOrPartition.code,
        ])
        #expect(response.topics[1].partitions.map(\.errorCode) == [KafkaError.unknownTopicOrPartition.code])

        // v5 reads leader epochs back; unknown topics have no offset and no error.
        let fetched = try await harness.send(OffsetFetchRequest(groupId: group, topics: [
            .init(name: "orders", partitionIndexes: [0, 1]), .init(name: "ghost", partitionIndexes: [0]),
        ]), version: 5, to: coordinator)
        #expect(fetched.errorCode == 0)
        #expect(fetched.topics.map(\.name) == ["orders", "ghost"])
        #expect(fetched.topics[0].partitions.map(\.committedOffset) == [1, -1])
        #expect(fetched.topics[0].partitions.map(\.committedLeaderEpoch) == [4, -1])
        #expect(fetched.topics[0].partitions.map(\.metadata) == ["ok", ""])
        #expect(fetched.topics[1].partitions.map(\.committedOffset) == [-1])
        #expect(fetched.topics.flatMap(\.partitions).map(\.errorCode) == [0, 0, 0])
    }

    @Test func commitsAreRefusedWhileTheGroupAwaitsItsAssignment() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        let group = "completing"
        let coordinator = try await harness.coordinator(of: group)
        let joined = try await harness.joinWithMemberId(group, to: coordinator)
        #expect(joined.errorCode == 0)
        let response = try await harness.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: joined.generationId, memberId: joined.memberId,
            topics: [.init(name: "orders", partitions: [.init(partitionIndex: 0, committedOffset: 1)])]), version: 8, to: coordinator)
        #expect(response.topics.flatMap(\.partitions).map(\.errorCode) == [KafkaError.rebalanceInProgress.code])
    }

    @Test func offsetFetchV8AnswersSeveralGroupsAndNamedTopics() async throws {
        let harness = try HandlerHarness()
        try harness.createTopic("orders")
        try harness.createTopic("audit")
        let first = "multi-a"
        let coordinator = try await harness.coordinator(of: first)
        let second = try await harness.groupId("multi-b", coordinatedBy: coordinator)
        _ = try await harness.simpleCommit(first, topic: "orders", [0: 1, 2: 3], to: coordinator)
        _ = try await harness.simpleCommit(first, topic: "audit", [1: 9], to: coordinator)
        _ = try await harness.simpleCommit(second, topic: "audit", [0: 70], to: coordinator)
        let never = try await harness.groupId("multi-never", coordinatedBy: coordinator)

        let response = try await harness.send(OffsetFetchRequest(groups: [
            .init(groupId: first, topics: nil),
            .init(groupId: second, topics: [.init(name: "audit", partitionIndexes: [0, 1])]),
            .init(groupId: never, topics: [.init(name: "orders", partitionIndexes: [0])]),
        ], requireStable: true), version: 8, to: coordinator)
        #expect(response.groups.map(\.groupId) == [first, second, never])
        #expect(response.groups.map(\.errorCode) == [0, 0, 0])
        // All committed, sorted by topic then partition.
        #expect(response.groups[0].topics.map(\.name) == ["audit", "orders"])
        #expect(response.groups[0].topics.map { $0.partitions.map(\.partitionIndex) } == [[1], [0, 2]])
        #expect(response.groups[0].topics.map { $0.partitions.map(\.committedOffset) } == [[9], [1, 3]])
        #expect(response.groups[1].topics.first?.partitions.map(\.committedOffset) == [70, -1])
        #expect(response.groups[2].topics.first?.partitions.map(\.committedOffset) == [-1])
        #expect(response.groups[2].topics.first?.partitions.map(\.metadata) == [""])
    }
}
