import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import NIOCore
import Testing

/// Short-hands for the group handler tests: coordinator lookups through FindCoordinator,
/// consumer protocol bytes, topics to commit to.
extension HandlerHarness {
    // Generous: under a loaded parallel run a request can wait seconds for a thread, and a
    // member that expires between JoinGroup and SyncGroup fails the test for the wrong reason.
    static let sessionTimeoutMs: Int32 = 120_000
    static let rebalanceTimeoutMs: Int32 = 120_000

    /// The coordinator FindCoordinator v0 names for `groupId`.
    func coordinator(of groupId: String) async throws -> Int32 {
        let response = try await send(FindCoordinatorRequest(key: groupId), version: 0)
        try #require(response.errorCode == 0)
        return response.nodeId
    }

    /// A running broker that does not coordinate `groupId`, preferably one that coordinates
    /// other groups (leads some `__consumer_offsets` partition).
    func nonCoordinator(of groupId: String) async throws -> Int32 {
        let coordinator = try await coordinator(of: groupId)
        let leaders = (0..<cluster.options.offsetsTopicPartitions).compactMap {
            cluster.leader(of: TopicPartition("__consumer_offsets", $0))?.id
        }
        return try #require(leaders.first { $0 != coordinator } ?? cluster.runningBrokerIds.first { $0 != coordinator })
    }

    /// A group id with `prefix` whose coordinator is (or, with `not`, is not) `brokerId`.
    func groupId(_ prefix: String, coordinatedBy brokerId: Int32, not: Bool = false) async throws -> String {
        for i in 0..<200 {
            let candidate = "\(prefix)-\(i)"
            if try await (coordinator(of: candidate) == brokerId) != not { return candidate }
        }
        Issue.record("no group id found for broker \(brokerId)")
        throw CallError.noResponse
    }

    /// Creates `name` with `partitions` partitions (replication factor 1 keeps it quick).
    func createTopic(_ name: String, partitions: Int32 = 3) throws {
        _ = try cluster.controller.createTopic(name, partitions: partitions, replicationFactor: 1)
    }

    /// JoinGroup as a consumer with one `range` protocol subscribing to `topics`.
    func join(_ groupId: String, memberId: String = "", instanceId: String? = nil, topics: [String] = ["orders"],
              version: Int16 = 5, to brokerId: Int32) async throws -> JoinGroupResponse {
        let request = JoinGroupRequest(
            groupId: groupId, sessionTimeoutMs: Self.sessionTimeoutMs, rebalanceTimeoutMs: Self.rebalanceTimeoutMs,
            memberId: memberId, groupInstanceId: instanceId, protocolType: "consumer",
            protocols: [.init(name: "range", metadata: Self.subscription(topics))])
        return try await send(request, version: version, to: brokerId)
    }

    /// Two-step KIP-394 join: MEMBER_ID_REQUIRED, then the rejoin (held until the rebalance
    /// completes). Returns the second answer.
    func joinWithMemberId(_ groupId: String, topics: [String] = ["orders"], to brokerId: Int32) async throws -> JoinGroupResponse {
        let first = try await join(groupId, topics: topics, to: brokerId)
        try #require(first.errorCode == KafkaError.memberIdRequired.code)
        return try await join(groupId, memberId: first.memberId, topics: topics, to: brokerId)
    }

    /// Joins and syncs a lone member (it leads itself); returns its member id and generation.
    func stableMember(_ groupId: String, topics: [String] = ["orders"], to brokerId: Int32) async throws -> (String, Int32) {
        let joined = try await joinWithMemberId(groupId, topics: topics, to: brokerId)
        try #require(joined.errorCode == 0)
        let synced = try await send(SyncGroupRequest(
            groupId: groupId, generationId: joined.generationId, memberId: joined.memberId,
            assignments: [.init(memberId: joined.memberId, assignment: ByteBuffer(bytes: [1, 2, 3]))]), version: 3, to: brokerId)
        try #require(synced.errorCode == 0)
        return (joined.memberId, joined.generationId)
    }

    /// Commits `offsets` (partition → offset) of `topic` as a simple (admin) commit.
    func simpleCommit(_ groupId: String, topic: String, _ offsets: [Int32: Int64], to brokerId: Int32) async throws -> OffsetCommitResponse {
        let request = OffsetCommitRequest(groupId: groupId, topics: [.init(name: topic, partitions: offsets.sorted { $0.key < $1.key }.map {
            .init(partitionIndex: $0.key, committedOffset: $0.value)
        })])
        return try await send(request, version: 2, to: brokerId)
    }

    /// A consumer's JoinGroup metadata (ConsumerProtocolSubscription v0): version, topics,
    /// null user data.
    static func subscription(_ topics: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(0))
        buffer.writeInteger(Int32(topics.count))
        for topic in topics {
            buffer.writeInteger(Int16(topic.utf8.count))
            buffer.writeString(topic)
        }
        buffer.writeInteger(Int32(-1))
        return buffer
    }
}

extension ByteBuffer {
    var byteArray: [UInt8] { Array(readableBytesView) }
}
