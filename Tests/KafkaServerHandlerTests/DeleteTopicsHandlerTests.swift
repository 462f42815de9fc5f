import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import Testing

struct DeleteTopicsHandlerTests {
    @Test(arguments: [Int16(1), 6])
    func deletesByNameAndTheFilesLeaveEveryBroker(version: Int16) async throws {
        let harness = try HandlerHarness()
        let created = try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3)
        try await harness.produce(TopicPartition("orders", 0), ["a", "b"])
        for broker: Int32 in 1...3 { #expect(harness.partitionDirectories(of: "orders", on: broker).sorted() == ["orders-0", "orders-1"]) }

        let request = version >= 6
            ? DeleteTopicsRequest(topics: [.init(name: "orders"), .init(name: "nope")])
            : DeleteTopicsRequest(topicNames: ["orders", "nope"])
        let response = try await harness.send(request, version: version)
        #expect(response.responses.map(\.name) == ["nope", "orders"])
        let byName = Dictionary(uniqueKeysWithValues: response.responses.map { ($0.name!, $0) })
        #expect(byName["orders"]?.errorCode == 0)
        #expect(byName["orders"]?.errorMessage == nil)
        #expect(byName["nope"]?.errorCode == KafkaError.unknownTopicOrPartition.code)
        if version >= 5 { #expect(byName["nope"]?.errorMessage == "This server does not host this topic-partition.") }
        if version >= 6 { #expect(byName["orders"]?.topicId == created.topicId) }

        #expect(harness.cluster.controller.image.topic(named: "orders") == nil)
        #expect(await HandlerHarness.eventually { (1...3).allSatisfy { harness.partitionDirectories(of: "orders", on: $0).isEmpty } })
    }

    @Test func v6DeletesByIdAndChecksNamesAndIdsAsKafkaDoes() async throws {
        let harness = try HandlerHarness()
        let byId = try harness.cluster.controller.createTopic("by-id", partitions: 1, replicationFactor: 1)
        let both = try harness.cluster.controller.createTopic("both", partitions: 1, replicationFactor: 1)
        let twice = try harness.cluster.controller.createTopic("twice", partitions: 1, replicationFactor: 1)
        let unknown = KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2)
        let response = try await harness.send(DeleteTopicsRequest(topics: [
            .init(name: nil, topicId: byId.topicId),
            .init(name: nil, topicId: unknown),
            .init(name: "both", topicId: both.topicId),
            .init(name: nil, topicId: .zero),
            .init(name: "twice"), .init(name: nil, topicId: twice.topicId),
            .init(name: "__consumer_offsets"),
        ]), version: 6)
        func answer(_ name: String?, _ id: KafkaUUID) -> DeleteTopicsResponse.DeletableTopicResult? {
            response.responses.first { $0.name == name && $0.topicId == id }
        }
        #expect(response.responses.count == 6)
        #expect(answer("by-id", byId.topicId)?.errorCode == 0)
        #expect(answer(nil, unknown)?.errorCode == KafkaError.unknownTopicId.code)
        #expect(answer("both", both.topicId)?.errorCode == KafkaError.invalidRequest.code)
        #expect(answer("both", both.topicId)?.errorMessage == "You may not specify both topic name and topic id.")
        #expect(answer(nil, .zero)?.errorMessage == "Neither topic name nor id were specified.")
        #expect(answer("twice", twice.topicId)?.errorMessage == "The provided topic name maps to an ID that was already supplied.")
        let internalTopic = harness.cluster.controller.image.topic(named: "__consumer_offsets")?.id
        #expect(answer("__consumer_offsets", internalTopic ?? .zero)?.errorCode == KafkaError.policyViolation.code)
        let image = harness.cluster.controller.image
        #expect(image.topic(named: "by-id") == nil)
        #expect(image.topic(named: "both") != nil && image.topic(named: "twice") != nil)
    }

    @Test func duplicateNamesAreRefusedAndNothingIsDeleted() async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1)
        let response = try await harness.send(DeleteTopicsRequest(topicNames: ["orders", "orders"]), version: 1)
        #expect(response.responses.map(\.errorCode) == [KafkaError.invalidRequest.code])
        #expect(harness.cluster.controller.image.topic(named: "orders") != nil)
    }
}
