import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

/// JoinGroup, SyncGroup, Heartbeat and LeaveGroup across versions and their errors.
struct GroupMembershipHandlerTests {
    @Test func beforeV4AnUnknownMemberJoinsAtOnce() async throws {
        let harness = try HandlerHarness()
        for (index, version) in [Int16(0), 2, 3].enumerated() {
            let group = "old-client-\(index)"
            let coordinator = try await harness.coordinator(of: group)
            let joined = try await harness.join(group, version: version, to: coordinator)
            #expect(joined.errorCode == 0, "v\(version)")
            #expect(joined.memberId.hasPrefix("handler-test-"))
            #expect(joined.generationId == 1)
            #expect(joined.leader == joined.memberId)
            #expect(joined.protocolName == "range")
            #expect(joined.members.map(\.memberId) == [joined.memberId])
        }
    }

    @Test func protocolNameIsNullableOnlyFromV7() async throws {
        let harness = try HandlerHarness()
        let group = "nullable"
        let coordinator = try await harness.coordinator(of: group)
        let v6 = try await harness.join(group, version: 6, to: coordinator)
        #expect(v6.errorCode == KafkaError.memberIdRequired.code)
        #expect(v6.protocolName == "")
        let v7 = try await harness.join(group, version: 7, to: coordinator)
        #expect(v7.errorCode == KafkaError.memberIdRequired.code)
        #expect(v7.protocolName == nil && v7.protocolType == nil)

        let joined = try await harness.join(group, memberId: v7.memberId, version: 7, to: coordinator)
        #expect(joined.errorCode == 0)
        #expect(joined.protocolType == "consumer" && joined.protocolName == "range")
        #expect(joined.skipAssignment == false)
    }

    @Test func joinErrorsAreKafkasCodes() async throws {
        let harness = try HandlerHarness()
        let group = "join-errors"
        let coordinator = try await harness.coordinator(of: group)

        let emptyId = try await harness.join("", to: coordinator)
        #expect(emptyId.errorCode == KafkaError.invalidGroupId.code)
        let shortSession = try await harness.send(JoinGroupRequest(
            groupId: group, sessionTimeoutMs: 1_000, rebalanceTimeoutMs: 1_000, protocolType: "consumer",
            protocols: [.init(name: "range", metadata: HandlerHarness.subscription(["orders"]))]), version: 5, to: coordinator)
        #expect(shortSession.errorCode == KafkaError.invalidSessionTimeout.code)
        let unknownMember = try await harness.join(group, memberId: "made-up", to: coordinator)
        #expect(unknownMember.errorCode == KafkaError.unknownMemberId.code)
        #expect(unknownMember.memberId == "made-up")

        _ = try await harness.stableMember(group, to: coordinator)
        let otherType = try await harness.send(JoinGroupRequest(
            groupId: group, sessionTimeoutMs: HandlerHarness.sessionTimeoutMs, rebalanceTimeoutMs: HandlerHarness.rebalanceTimeoutMs,
            protocolType: "connect", protocols: [.init(name: "range", metadata: ByteBuffer())]), version: 5, to: coordinator)
        #expect(otherType.errorCode == KafkaError.inconsistentGroupProtocol.code)
    }

    @Test func syncHeartbeatAndLeaveErrorsAreKafkasCodes() async throws {
        let harness = try HandlerHarness()
        let group = "member-errors"
        let coordinator = try await harness.coordinator(of: group)
        let (memberId, generation) = try await harness.stableMember(group, to: coordinator)

        let emptySync = try await harness.send(SyncGroupRequest(groupId: "", generationId: generation, memberId: memberId),
                                               version: 3, to: coordinator)
        #expect(emptySync.errorCode == KafkaError.invalidGroupId.code)
        let staleSync = try await harness.send(SyncGroupRequest(groupId: group, generationId: generation + 1, memberId: memberId),
                                               version: 3, to: coordinator)
        #expect(staleSync.errorCode == KafkaError.illegalGeneration.code)
        let wrongProtocol = try await harness.send(SyncGroupRequest(
            groupId: group, generationId: generation, memberId: memberId, protocolType: "consumer", protocolName: "roundrobin"),
            version: 5, to: coordinator)
        #expect(wrongProtocol.errorCode == KafkaError.inconsistentGroupProtocol.code)
        // A Stable group's member syncing again gets its assignment back.
        let again = try await harness.send(SyncGroupRequest(groupId: group, generationId: generation, memberId: memberId),
                                           version: 0, to: coordinator)
        #expect(again.errorCode == 0)
        #expect(again.assignment == ByteBuffer(bytes: [1, 2, 3]))

        let emptyBeat = try await harness.send(HeartbeatRequest(groupId: "", generationId: generation, memberId: memberId),
                                               version: 1, to: coordinator)
        #expect(emptyBeat.errorCode == KafkaError.invalidGroupId.code)
        let strangerBeat = try await harness.send(HeartbeatRequest(groupId: group, generationId: generation, memberId: "stranger"),
                                                  version: 2, to: coordinator)
        #expect(strangerBeat.errorCode == KafkaError.unknownMemberId.code)

        // v0-2: the member's error at the top level; v3+: per member, top level NONE.
        let strangerLeaves = try await harness.send(LeaveGroupRequest(groupId: group, memberId: "stranger"), version: 2, to: coordinator)
        #expect(strangerLeaves.errorCode == KafkaError.unknownMemberId.code)
        let batch = try await harness.send(LeaveGroupRequest(groupId: group, members: [
            .init(memberId: "stranger"), .init(memberId: "", groupInstanceId: "no-such-instance"), .init(memberId: memberId),
        ]), version: 4, to: coordinator)
        #expect(batch.errorCode == 0)
        #expect(batch.members.map(\.memberId) == ["stranger", "", memberId])
        #expect(batch.members.map(\.groupInstanceId) == [nil, "no-such-instance", nil])
        #expect(batch.members.map(\.errorCode) == [KafkaError.unknownMemberId.code, KafkaError.unknownMemberId.code, 0])
        let emptyLeave = try await harness.send(LeaveGroupRequest(groupId: "", members: [.init(memberId: memberId)]),
                                                version: 3, to: coordinator)
        #expect(emptyLeave.errorCode == KafkaError.invalidGroupId.code)

        let described = try await harness.send(DescribeGroupsRequest(groups: [group]), version: 1, to: coordinator)
        #expect(described.groups.map(\.groupState) == ["Empty"])
    }

    @Test func aStaticMemberIsRemovedByInstanceIdAlone() async throws {
        let harness = try HandlerHarness()
        let group = "static-removal"
        let coordinator = try await harness.coordinator(of: group)
        let joined = try await harness.join(group, instanceId: "pod-7", to: coordinator)
        #expect(joined.errorCode == 0)
        let removed = try await harness.send(LeaveGroupRequest(groupId: group, members: [
            .init(memberId: "", groupInstanceId: "pod-7", reason: "scaled down"),
        ]), version: 5, to: coordinator)
        #expect(removed.errorCode == 0)
        #expect(removed.members.map(\.errorCode) == [0])
        #expect(removed.members.map(\.groupInstanceId) == ["pod-7"])
        let beat = try await harness.send(HeartbeatRequest(groupId: group, generationId: joined.generationId,
                                                           memberId: joined.memberId, groupInstanceId: "pod-7"),
                                          version: 3, to: coordinator)
        #expect(beat.errorCode == KafkaError.unknownMemberId.code)
    }
}
