import KafkaClient
import KafkaProtocol
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct AdminTests {
    @Test func createDescribeAlterAndDeleteATopic() async throws {
        try await withCluster { _, client in
            let created = try await client.createTopic("orders", partitions: 3, replicationFactor: 2,
                                                       configs: [("retention.ms", "3600000")])
            #expect(created.partitionCount == 3 && created.replicationFactor == 2)
            #expect(created.topicId != .zero)

            let described = try #require(try await client.describeTopics(["orders"]).first)
            #expect(described.partitions.map(\.partition) == [0, 1, 2])
            #expect(described.replicationFactor == 2)
            #expect(described.topicId == created.topicId)
            #expect(described.partitions.allSatisfy { $0.leader > 0 && $0.isr.count == 2 && $0.replicas.contains($0.leader) })
            #expect(try await client.listTopics(includeInternal: false).contains("orders"))

            var configs = try await client.describeConfigs(.topic, name: "orders")
            let retention = try #require(configs.first { $0.name == "retention.ms" })
            #expect(retention.value == "3600000" && retention.source == .dynamicTopic)

            try await client.alterTopicConfigs("orders", set: [("cleanup.policy", "compact")], delete: ["retention.ms"])
            configs = try await client.describeConfigs(.topic, name: "orders")
            #expect(configs.first { $0.name == "cleanup.policy" }?.value == "compact")
            #expect(configs.first { $0.name == "retention.ms" }?.isDefault == true)

            try await client.createPartitions(topic: "orders", totalCount: 5)
            #expect(try await client.describeTopics(["orders"])[0].partitions.count == 5)

            await #expect(throws: KafkaClientError.self) {
                try await client.createTopic("orders", partitions: 1)
            }
            do {
                try await client.createTopic("orders", partitions: 1)
            } catch let error as KafkaClientError {
                #expect(error.kafkaError == .topicAlreadyExists)
                #expect("\(error)".hasPrefix("TOPIC_ALREADY_EXISTS: creating topic 'orders': "))
            }

            try await client.deleteTopics(["orders"])
            await #expect(throws: KafkaClientError.kafka(.unknownTopicOrPartition, context: "topic 'orders'",
                                                         message: "the topic does not exist")) {
                _ = try await client.describeTopics(["orders"])
            }
            do {
                try await client.deleteTopics(["orders"])
                Issue.record("deleting a missing topic succeeded")
            } catch let error as KafkaClientError {
                #expect(error.kafkaError == .unknownTopicOrPartition)
            }
        }
    }

    @Test func produceReachesEveryLeaderOfANewTopic() async throws {
        try await withCluster { _, client in
            try await client.createTopic("spread", partitions: 6, replicationFactor: 3)
            let records = (0..<60).map { ProducerRecord(key: "k\($0)", value: "v\($0)") }
            let results = try await client.produce(records, to: "spread")
            #expect(results.map(\.recordCount).reduce(0, +) == 60)
            let ends = try await client.listOffsets(topic: "spread", spec: .latest)
            #expect(ends.values.compactMap(\.offset).reduce(0, +) == 60)
            let leaders = Set(try await client.describeTopics(["spread"])[0].partitions.map(\.leader))
            #expect(leaders.count > 1)
        }
    }
}
