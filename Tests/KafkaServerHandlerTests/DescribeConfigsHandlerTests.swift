import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import Testing

struct DescribeConfigsHandlerTests {
    typealias Resource = DescribeConfigsRequest.DescribeConfigsResource
    typealias Entry = DescribeConfigsResponse.DescribeConfigsResourceResult

    static func byName(_ result: DescribeConfigsResponse.DescribeConfigsResult) -> [String: Entry] {
        Dictionary(uniqueKeysWithValues: result.configs.map { ($0.name, $0) })
    }

    @Test(arguments: [Int16(1), 4])
    func topicConfigsShowOverridesAsSource1AndDefaultsAsSource5(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1,
                                                   configs: ["retention.ms": "1000", "cleanup.policy": "compact"])
        let response = try await harness.send(DescribeConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configurationKeys: nil),
            Resource(resourceType: 2, resourceName: "nope", configurationKeys: []),
            Resource(resourceType: 2, resourceName: "bad name", configurationKeys: nil),
        ]), version: version)
        #expect(response.results.map(\.resourceName) == ["orders", "nope", "bad name"])
        #expect(response.results.map(\.errorCode) == [0, KafkaError.unknownTopicOrPartition.code, KafkaError.invalidTopicException.code])
        #expect(response.results[0].errorMessage == nil)
        #expect(response.results[0].resourceType == 2)
        #expect(response.results[1].errorMessage == "This server does not host this topic-partition.")
        #expect(response.results[1].configs.isEmpty)

        let configs = Self.byName(response.results[0])
        #expect(configs.count == response.results[0].configs.count)
        let emptyKeys = try await harness.send(DescribeConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configurationKeys: []),
        ]), version: version)
        #expect(emptyKeys.results[0].configs.count == configs.count, "an empty key list lists every config")
        #expect(configs["retention.ms"]?.value == "1000")
        #expect(configs["retention.ms"]?.configSource == 1)
        #expect(configs["cleanup.policy"]?.value == "compact")
        #expect(configs["segment.bytes"]?.value == "1073741824")
        #expect(configs["segment.bytes"]?.configSource == 5)
        #expect(configs["unclean.leader.election.enable"]?.value == "false")
        #expect(configs.values.allSatisfy { !$0.readOnly && !$0.isSensitive && $0.synonyms.isEmpty })
        if version >= 3 { #expect(configs.values.allSatisfy { $0.documentation == nil }, "documentation only when asked") }
        // Config types travel from v3.
        #expect(configs["retention.ms"]?.configType == (version >= 3 ? 5 : 0))
        #expect(configs["cleanup.policy"]?.configType == (version >= 3 ? 7 : 0))
    }

    @Test(arguments: [Int16(1), 4])
    func synonymsDocumentationAndKeyFilter(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 1, configs: ["retention.ms": "1000"])
        let response = try await harness.send(DescribeConfigsRequest(resources: [
            Resource(resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms", "segment.bytes", "no.such.key"]),
        ], includeSynonyms: true, includeDocumentation: true), version: version)
        let configs = Self.byName(response.results[0])
        #expect(configs.keys.sorted() == ["retention.ms", "segment.bytes"])
        #expect(configs["retention.ms"]?.synonyms.map(\.name) == ["retention.ms", "log.retention.hours"])
        #expect(configs["retention.ms"]?.synonyms.map(\.source) == [1, 5])
        #expect(configs["retention.ms"]?.synonyms.map(\.value) == ["1000", "168"])
        #expect(configs["segment.bytes"]?.synonyms.map(\.name) == ["log.segment.bytes"])
        if version >= 3 {
            #expect(configs["retention.ms"]?.documentation?.isEmpty == false)
        }
    }

    @Test(arguments: [Int16(1), 4])
    func brokerConfigsOfTheReceivingBroker(version: Int16) async throws {
        let harness = try HandlerHarness { $0.cluster.numPartitions = 3 }
        let response = try await harness.send(DescribeConfigsRequest(resources: [
            Resource(resourceType: 4, resourceName: "2", configurationKeys: nil),
            Resource(resourceType: 4, resourceName: "1", configurationKeys: nil),
            Resource(resourceType: 4, resourceName: "", configurationKeys: nil),
            Resource(resourceType: 4, resourceName: "one", configurationKeys: nil),
            Resource(resourceType: 8, resourceName: "2", configurationKeys: nil),
        ], includeSynonyms: true), version: version, to: 2)
        #expect(response.results.map(\.errorCode) == [0, 42, 0, 42, 42])
        #expect(response.results[1].errorMessage == "Unexpected broker id, expected 2 or empty string, but received 1")
        #expect(response.results[3].errorMessage == "Broker id must be an integer, but it is: one")
        #expect(response.results[4].errorMessage == "Unsupported resource type: BROKER_LOGGER")
        #expect(response.results[2].configs.isEmpty, "no dynamic cluster-wide broker defaults")

        let configs = Self.byName(response.results[0])
        #expect(configs["node.id"]?.value == "2")
        #expect(configs["num.partitions"]?.value == "3")
        #expect(configs["num.partitions"]?.configSource == 4, "STATIC_BROKER_CONFIG")
        #expect(configs["default.replication.factor"]?.value == "1")
        #expect(configs["default.replication.factor"]?.configSource == 5, "DEFAULT_CONFIG")
        #expect(configs["replica.lag.time.max.ms"]?.value == "30000")
        #expect(configs["replica.fetch.wait.max.ms"]?.configSource == 4)
        #expect(configs["auto.create.topics.enable"]?.value == "true")
        #expect(configs["log.retention.hours"]?.value == "168")
        #expect(configs["log.dirs"]?.value == harness.root.path + "/broker-2")
        #expect(configs["num.partitions"]?.synonyms.map(\.name) == ["num.partitions"])
        #expect(configs.values.allSatisfy { $0.readOnly })
        #expect(configs["num.partitions"]?.configType == (version >= 3 ? 3 : 0), "INT")
        #expect(configs["auto.create.topics.enable"]?.configType == (version >= 3 ? 1 : 0), "BOOLEAN")
    }
}
