import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import Testing

struct AlterConfigsHandlerTests {
    typealias Resource = AlterConfigsRequest.AlterConfigsResource
    typealias Config = AlterConfigsRequest.AlterableConfig

    /// The topic's configs as DescribeConfigs v4 reports them: name → (value, source).
    static func describe(_ harness: HandlerHarness, _ topic: String) async throws -> [String: (String?, Int8)] {
        let response = try await harness.send(DescribeConfigsRequest(resources: [
            .init(resourceType: 2, resourceName: topic, configurationKeys: nil),
        ]), version: 4)
        return Dictionary(uniqueKeysWithValues: response.results[0].configs.map { ($0.name, ($0.value, $0.configSource)) })
    }

    @Test(arguments: [Int16(0), 2])
    func replacesTheTopicsOverridesThenDescribeShowsThem(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1, configs: ["segment.ms": "60000"])
        try harness.cluster.controller.createTopic("other", partitions: 1, replicationFactor: 1, configs: ["segment.ms": "60000"])
        let response = try await harness.send(AlterConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configs: [
                Config(name: "retention.ms", value: "5000"), Config(name: "max.message.bytes", value: "2048"),
            ]),
            Resource(resourceType: 2, resourceName: "other", configs: [Config(name: "retention.ms", value: "-7")]),
            Resource(resourceType: 2, resourceName: "nope", configs: [Config(name: "retention.ms", value: "5000")]),
            Resource(resourceType: 4, resourceName: "1", configs: [Config(name: "num.partitions", value: "3")]),
            Resource(resourceType: 8, resourceName: "1", configs: [Config(name: "kafka.server", value: "DEBUG")]),
        ]), version: version)
        #expect(response.responses.map(\.errorCode) == [
            0, KafkaError.invalidConfig.code, KafkaError.unknownTopicOrPartition.code,
            KafkaError.invalidRequest.code, KafkaError.invalidRequest.code,
        ])
        #expect(response.responses.map(\.resourceName) == ["orders", "other", "nope", "1", "1"])
        #expect(response.responses.map(\.resourceType) == [2, 2, 2, 4, 8])
        #expect(response.responses[0].errorMessage == nil)
        #expect(response.responses[3].errorMessage?.hasPrefix("Cannot update these configs dynamically: num.partitions") == true)

        let orders = try await Self.describe(harness, "orders")
        #expect(orders["retention.ms"]?.0 == "5000")
        #expect(orders["retention.ms"]?.1 == 1)
        #expect(orders["max.message.bytes"]?.0 == "2048")
        #expect(orders["segment.ms"]?.0 == "604800000", "left out: back to the default")
        #expect(orders["segment.ms"]?.1 == 5)
        #expect(harness.cluster.controller.image.topicConfig("other") == ["segment.ms": "60000"], "a refused resource changes nothing")
        // The brokers apply the new config to the partition's log.
        #expect(await HandlerHarness.eventually {
            harness.cluster.leader(of: .init("orders", 0))?.replicaManager.logDirectory.partition(.init("orders", 0))?
                .config.retentionMs == 5000
        })
    }

    @Test(arguments: [Int16(0), 2])
    func validateOnlyChangesNothing(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1, configs: ["segment.ms": "60000"])
        let response = try await harness.send(AlterConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configs: [Config(name: "retention.ms", value: "5000")]),
        ], validateOnly: true), version: version)
        #expect(response.responses.map(\.errorCode) == [0])
        #expect(harness.cluster.controller.image.topicConfig("orders") == ["segment.ms": "60000"])
    }
}
