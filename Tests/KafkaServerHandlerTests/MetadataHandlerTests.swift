import BrokerEngine
import KafkaProtocol
import KafkaServer
import LogStore
import Testing

struct MetadataHandlerTests {
    @Test func describesBrokersAtTheirOwnListenersAndEveryTopic() async throws {
        let harness = try HandlerHarness()
        _ = harness.cluster.controller.createTopics([NewTopic(name: "orders", numPartitions: 3, replicationFactor: 3, configs: [:])])
        for version: Int16 in [0, 1, 4, 9, 12] {
            // v0: an empty list is "all topics"; v1+: null is.
            let request = MetadataRequest(topics: version == 0 ? [] : nil)
            let response = try await harness.send(request, version: version)
            #expect(response.brokers.map(\.nodeId) == [1, 2, 3])
            #expect(response.brokers.map(\.port) == [9001, 9002, 9003])
            let orders = try #require(response.topics.first { $0.name == "orders" }, "v\(version)")
            #expect(orders.errorCode == 0)
            #expect(orders.partitions.map(\.partitionIndex) == [0, 1, 2])
            for partition in orders.partitions {
                #expect(partition.replicaNodes.count == 3)
                #expect(partition.replicaNodes.contains(partition.leaderId))
                #expect(Set(partition.isrNodes) == Set(partition.replicaNodes))
            }
            let offsetsTopic = response.topics.first { $0.name == "__consumer_offsets" }
            #expect(offsetsTopic?.isInternal == (version >= 1))
            if version >= 2 { #expect(response.clusterId == harness.cluster.controller.clusterId.description) }
            if version >= 10 { #expect(orders.topicId == harness.cluster.controller.image.topic(named: "orders")!.id) }
        }
    }

    @Test func namedTopicsAreAutoCreatedUnlessTheRequestOrTheClusterSaysNo() async throws {
        let harness = try HandlerHarness()
        let refused = try await harness.send(MetadataRequest(topics: [.init(name: "later")], allowAutoTopicCreation: false), version: 12)
        #expect(refused.topics.first?.errorCode == KafkaError.unknownTopicOrPartition.code)
        #expect(harness.cluster.controller.image.topic(named: "later") == nil)

        let created = try await harness.send(MetadataRequest(topics: [.init(name: "later")], allowAutoTopicCreation: true), version: 12)
        #expect(created.topics.first?.errorCode == 0)
        #expect(created.topics.first?.partitions.count == Int(harness.cluster.controller.config.numPartitions))

        let invalid = try await harness.send(MetadataRequest(topics: [.init(name: "bad/name")]), version: 12)
        #expect(invalid.topics.first?.errorCode == KafkaError.invalidTopicException.code)

        let off = try HandlerHarness(brokers: 1) { $0.cluster.autoCreateTopicsEnable = false }
        let response = try await off.send(MetadataRequest(topics: [.init(name: "nope")]), version: 1)
        #expect(response.topics.first?.errorCode == KafkaError.unknownTopicOrPartition.code)
    }

    @Test func aStoppedBrokerDisappearsAndItsReplicasAreOffline() async throws {
        let harness = try HandlerHarness()
        _ = harness.cluster.controller.createTopics([NewTopic(name: "t", numPartitions: 3, replicationFactor: 3, configs: [:])])
        try harness.cluster.stopBroker(2, controlled: true)
        let response = try await harness.send(MetadataRequest(topics: [.init(name: "t")]), version: 12)
        #expect(response.brokers.map(\.nodeId) == [1, 3])
        for partition in try #require(response.topics.first).partitions {
            #expect(partition.leaderId != 2)
            #expect(partition.offlineReplicas == [2])
            #expect(!partition.isrNodes.contains(2))
        }
    }
}
