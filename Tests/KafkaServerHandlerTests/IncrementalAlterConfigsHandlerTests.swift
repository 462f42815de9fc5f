import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import Testing

struct IncrementalAlterConfigsHandlerTests {
    typealias Resource = IncrementalAlterConfigsRequest.AlterConfigsResource
    typealias Config = IncrementalAlterConfigsRequest.AlterableConfig
    static let set: Int8 = 0, delete: Int8 = 1, append: Int8 = 2, subtract: Int8 = 3

    @Test(arguments: [Int16(0), 1])
    func setDeleteAppendAndSubtractThenDescribe(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1, configs: ["segment.ms": "60000"])
        let first = try await harness.send(IncrementalAlterConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configs: [
                Config(name: "retention.ms", configOperation: Self.set, value: "5000"),
                Config(name: "segment.ms", configOperation: Self.delete, value: nil),
                Config(name: "cleanup.policy", configOperation: Self.append, value: "compact"),
            ]),
        ]), version: version)
        #expect(first.responses.map(\.errorCode) == [0])
        #expect(first.responses[0].errorMessage == nil)
        var configs = try await AlterConfigsHandlerTests.describe(harness, "orders")
        #expect(configs["retention.ms"]?.0 == "5000")
        #expect(configs["retention.ms"]?.1 == 1)
        #expect(configs["segment.ms"]?.0 == "604800000")
        #expect(configs["segment.ms"]?.1 == 5)
        #expect(configs["cleanup.policy"]?.0 == "delete,compact")

        let second = try await harness.send(IncrementalAlterConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configs: [
                Config(name: "cleanup.policy", configOperation: Self.subtract, value: "delete"),
            ]),
        ]), version: version)
        #expect(second.responses.map(\.errorCode) == [0])
        configs = try await AlterConfigsHandlerTests.describe(harness, "orders")
        #expect(configs["cleanup.policy"]?.0 == "compact")
        #expect(configs["retention.ms"]?.0 == "5000", "other overrides stay")
    }

    @Test(arguments: [Int16(0), 1])
    func refusalsChangeNothing(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1, configs: ["segment.ms": "60000"])
        let response = try await harness.send(IncrementalAlterConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configs: [
                Config(name: "retention.ms", configOperation: Self.set, value: "1"),
                Config(name: "max.message.bytes", configOperation: Self.append, value: "5"),
            ]),
            Resource(resourceType: 2, resourceName: "orders", configs: [Config(name: "retention.ms", configOperation: 9, value: "1")]),
            Resource(resourceType: 2, resourceName: "orders", configs: [
                Config(name: "retention.ms", configOperation: Self.set, value: "1"),
                Config(name: "retention.ms", configOperation: Self.delete, value: nil),
            ]),
            Resource(resourceType: 2, resourceName: "nope", configs: [Config(name: "retention.ms", configOperation: Self.set, value: "1")]),
            Resource(resourceType: 4, resourceName: "1", configs: [Config(name: "num.partitions", configOperation: Self.set, value: "3")]),
            Resource(resourceType: 2, resourceName: "orders", configs: [
                Config(name: "retention.ms", configOperation: Self.set, value: "1"),
            ]),
        ], validateOnly: false), version: version)
        #expect(response.responses.map(\.errorCode) == [
            KafkaError.invalidConfig.code, KafkaError.invalidRequest.code, KafkaError.invalidRequest.code,
            KafkaError.unknownTopicOrPartition.code, KafkaError.invalidRequest.code, 0,
        ])
        #expect(response.responses[0].errorMessage == "Config value append is not allowed for config key: max.message.bytes")
        #expect(response.responses[2].errorMessage == "Error due to duplicate config keys")
        #expect(harness.cluster.controller.image.topicConfig("orders") == ["segment.ms": "60000", "retention.ms": "1"])

        let dryRun = try await harness.send(IncrementalAlterConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configs: [Config(name: "retention.ms", configOperation: Self.delete)]),
        ], validateOnly: true), version: version)
        #expect(dryRun.responses.map(\.errorCode) == [0])
        #expect(harness.cluster.controller.image.topicConfig("orders")["retention.ms"] == "1")
    }
}
