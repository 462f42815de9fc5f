import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import Testing

struct DeleteRecordsHandlerTests {
    typealias Topic = DeleteRecordsRequest.DeleteRecordsTopic
    static let orders0 = TopicPartition("orders", 0)

    static func request(_ topic: String, _ offsets: [Int32: Int64]) -> DeleteRecordsRequest {
        DeleteRecordsRequest(topics: [Topic(name: topic, partitions: offsets.keys.sorted().map { .init(partitionIndex: $0, offset: offsets[$0]!) })])
    }

    @Test(arguments: [Int16(0), 2])
    func theLeaderMovesTheLogStartAndAnswersTheLowWatermark(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3)
        try await harness.produce(Self.orders0, ["a", "b", "c", "d", "e"])
        let leaderId = try #require(harness.leaderId(Self.orders0))
        let leader = try #require(harness.cluster.broker(leaderId))

        let response = try await harness.send(Self.request("orders", [0: 2, 7: 1]), version: version, to: leaderId)
        #expect(response.topics.map(\.name) == ["orders"])
        let partitions = response.topics[0].partitions
        #expect(partitions.map(\.partitionIndex) == [0, 7])
        #expect(partitions[0].errorCode == 0)
        #expect(partitions[0].lowWatermark == 2)
        #expect(partitions[1].errorCode == KafkaError.unknownTopicOrPartition.code)
        #expect(partitions[1].lowWatermark == -1)
        // ListOffsets earliest, through the engine, now starts at 2.
        #expect(try leader.replicaManager.listOffset(Self.orders0, timestamp: TimestampAndOffset.earliest)?.offset == 2)

        let beyond = try await harness.send(Self.request("orders", [0: 6]), version: version, to: leaderId)
        #expect(beyond.topics[0].partitions[0].errorCode == KafkaError.offsetOutOfRange.code)
        #expect(beyond.topics[0].partitions[0].lowWatermark == -1)
        let toHighWatermark = try await harness.send(Self.request("orders", [0: -1]), version: version, to: leaderId)
        #expect(toHighWatermark.topics[0].partitions[0].errorCode == 0)
        #expect(toHighWatermark.topics[0].partitions[0].lowWatermark == 5)
        #expect(try leader.replicaManager.listOffset(Self.orders0, timestamp: TimestampAndOffset.earliest)?.offset == 5)
        // The followers follow.
        #expect(await HandlerHarness.eventually {
            (1...3).allSatisfy { harness.cluster.broker($0)?.replicaManager.logDirectory.partition(Self.orders0)?.logStartOffset == 5 }
        })
    }

    @Test(arguments: [Int16(0), 2])
    func followersUnknownTopicsAndCompactedTopicsAreRefused(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        try harness.cluster.controller.createTopic("compacted", partitions: 1, replicationFactor: 1, configs: ["cleanup.policy": "compact"])
        try await harness.produce(Self.orders0, ["a", "b"])
        let leaderId = try #require(harness.leaderId(Self.orders0))
        let follower = try #require((1...3).first { $0 != leaderId })

        let atFollower = try await harness.send(Self.request("orders", [0: 1]), version: version, to: follower)
        #expect(atFollower.topics[0].partitions[0].errorCode == KafkaError.notLeaderOrFollower.code)
        #expect(atFollower.topics[0].partitions[0].lowWatermark == -1)
        #expect(harness.cluster.leader(of: Self.orders0)?.replicaManager.logDirectory.partition(Self.orders0)?.logStartOffset == 0)

        let unknown = try await harness.send(Self.request("nope", [0: 1]), version: version, to: leaderId)
        #expect(unknown.topics[0].partitions[0].errorCode == KafkaError.unknownTopicOrPartition.code)

        let compactedLeader = try #require(harness.leaderId(TopicPartition("compacted", 0)))
        let compacted = try await harness.send(Self.request("compacted", [0: 0]), version: version, to: compactedLeader)
        #expect(compacted.topics[0].partitions[0].errorCode == KafkaError.policyViolation.code)

        let negative = try await harness.send(Self.request("orders", [0: -5]), version: version, to: leaderId)
        #expect(negative.topics[0].partitions[0].errorCode == KafkaError.offsetOutOfRange.code)
    }
}
