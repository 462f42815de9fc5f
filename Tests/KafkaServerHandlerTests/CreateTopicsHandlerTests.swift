import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import Testing

struct CreateTopicsHandlerTests {
    typealias Topic = CreateTopicsRequest.CreatableTopic
    typealias Config = CreateTopicsRequest.CreatableTopicConfig

    @Test(arguments: [Int16(2), 7])
    func eachTopicIsCreatedOrRefusedOnItsOwn(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("existing", partitions: 1, replicationFactor: 1)
        let request = CreateTopicsRequest(topics: [
            Topic(name: "orders", numPartitions: 3, replicationFactor: 2, configs: [Config(name: "retention.ms", value: "1000")]),
            Topic(name: "existing", numPartitions: 1, replicationFactor: 1),
            Topic(name: "wide", numPartitions: 1, replicationFactor: 4),
            Topic(name: "badvalue", numPartitions: 1, replicationFactor: 1, configs: [Config(name: "retention.ms", value: "soon")]),
            Topic(name: "badname", numPartitions: 1, replicationFactor: 1, configs: [Config(name: "retention.hours", value: "1")]),
            Topic(name: "defaults", numPartitions: -1, replicationFactor: -1),
        ])
        let response = try await harness.send(request, version: version)
        let byName = Dictionary(uniqueKeysWithValues: response.topics.map { ($0.name, $0) })
        #expect(response.topics.map(\.name) == ["orders", "existing", "wide", "badvalue", "badname", "defaults"])

        let orders = try #require(byName["orders"])
        #expect(orders.errorCode == 0)
        #expect(orders.errorMessage == nil)
        let image = harness.cluster.controller.image
        #expect(image.topic(named: "orders")?.partitionCount == 3)
        #expect(image.topic(named: "orders")?.partitions.values.allSatisfy { $0.replicas.count == 2 } == true)
        #expect(image.topicConfig("orders") == ["retention.ms": "1000"])

        #expect(byName["existing"]?.errorCode == KafkaError.topicAlreadyExists.code)
        #expect(byName["existing"]?.errorMessage == "Topic 'existing' already exists.")
        #expect(byName["wide"]?.errorCode == KafkaError.invalidReplicationFactor.code)
        #expect(byName["wide"]?.errorMessage?.contains("only 3 broker(s) are registered") == true)
        #expect(byName["badvalue"]?.errorCode == KafkaError.invalidConfig.code)
        #expect(byName["badname"]?.errorCode == KafkaError.invalidConfig.code)
        #expect(byName["badname"]?.errorMessage == "Unknown topic config name: retention.hours")
        for refused in ["wide", "badvalue", "badname"] { #expect(image.topic(named: refused) == nil) }
        #expect(byName["defaults"]?.errorCode == 0)
        #expect(image.topic(named: "defaults")?.partitionCount == 1, "num.partitions")
        #expect(image.topic(named: "defaults")?.partitions[0]?.replicas.count == 1, "default.replication.factor")

        if version >= 5 {
            #expect(orders.numPartitions == 3)
            #expect(orders.replicationFactor == 2)
            let configs = Dictionary(uniqueKeysWithValues: (orders.configs ?? []).map { ($0.name, $0) })
            #expect(configs["retention.ms"]?.value == "1000")
            #expect(configs["retention.ms"]?.configSource == 1, "DYNAMIC_TOPIC_CONFIG")
            #expect(configs["segment.bytes"]?.value == "1073741824")
            #expect(configs["segment.bytes"]?.configSource == 5, "DEFAULT_CONFIG")
            #expect(configs["segment.bytes"]?.readOnly == false)
            #expect(byName["existing"]?.numPartitions == -1)
            #expect(byName["existing"]?.configs?.isEmpty == true)
        }
        if version >= 7 {
            #expect(orders.topicId == image.topic(named: "orders")?.id)
            #expect(orders.topicId != .zero)
            #expect(byName["existing"]?.topicId == .zero)
        }
    }

    @Test(arguments: [Int16(2), 7])
    func validateOnlyAnswersAsIfCreatedButCreatesNothing(version: Int16) async throws {
        let harness = try HandlerHarness()
        let request = CreateTopicsRequest(topics: [
            Topic(name: "dryrun", numPartitions: 4, replicationFactor: 3, configs: [Config(name: "cleanup.policy", value: "compact")]),
            Topic(name: "dryrun-bad", numPartitions: 0, replicationFactor: 1),
        ], validateOnly: true)
        let response = try await harness.send(request, version: version)
        #expect(response.topics.map(\.errorCode) == [0, KafkaError.invalidPartitions.code])
        #expect(response.topics[0].errorMessage == nil)
        #expect(response.topics[1].errorMessage == "Number of partitions was set to an invalid non-positive value.")
        if version >= 5 {
            #expect(response.topics[0].numPartitions == 4)
            #expect(response.topics[0].replicationFactor == 3)
            #expect(response.topics[0].configs?.first { $0.name == "cleanup.policy" }?.value == "compact")
        }
        #expect(response.topics[0].topicId == .zero)
        #expect(harness.cluster.controller.image.topic(named: "dryrun") == nil)
        for broker: Int32 in 1...3 { #expect(harness.partitionDirectories(of: "dryrun", on: broker).isEmpty) }
    }

    @Test func duplicateNamesManualAssignmentsAndNullConfigs() async throws {
        let harness = try HandlerHarness()
        let assigned = Topic(name: "placed", numPartitions: -1, replicationFactor: -1, assignments: [
            .init(partitionIndex: 0, brokerIds: [3, 1]), .init(partitionIndex: 1, brokerIds: [2, 3]),
        ])
        let response = try await harness.send(CreateTopicsRequest(topics: [
            Topic(name: "twice", numPartitions: 1, replicationFactor: 1),
            assigned,
            Topic(name: "twice", numPartitions: 2, replicationFactor: 1),
            Topic(name: "nullconfig", numPartitions: 1, replicationFactor: 1, configs: [Config(name: "retention.ms", value: nil)]),
            Topic(name: "bad/name", numPartitions: 1, replicationFactor: 1),
        ]), version: 7)
        #expect(response.topics.map(\.name) == ["twice", "placed", "nullconfig", "bad/name"])
        #expect(response.topics[0].errorCode == KafkaError.invalidRequest.code)
        #expect(response.topics[0].errorMessage == "Duplicate topic name.")
        #expect(response.topics[1].errorCode == 0)
        #expect(response.topics[2].errorCode == KafkaError.invalidConfig.code)
        #expect(response.topics[2].errorMessage == "Null value not supported for topic configs: retention.ms")
        #expect(response.topics[3].errorCode == KafkaError.invalidTopicException.code)
        let image = harness.cluster.controller.image
        #expect(image.topic(named: "twice") == nil)
        #expect(image.partition(TopicPartition("placed", 0))?.replicas == [3, 1])
        #expect(image.partition(TopicPartition("placed", 1))?.replicas == [2, 3])
        #expect(response.topics[1].numPartitions == 2 && response.topics[1].replicationFactor == 2)
    }
}
