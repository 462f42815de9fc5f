import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import Testing

struct DescribeClusterHandlerTests {
    @Test(arguments: [Int16(0), 1])
    func listsTheLiveBrokersWithTheirListenersAndTheClusterId(version: Int16) async throws {
        let harness = try HandlerHarness()
        let response = try await harness.send(DescribeClusterRequest(), version: version, to: 2)
        #expect(response.errorCode == 0)
        #expect(response.errorMessage == nil)
        #expect(response.clusterId == harness.cluster.controller.clusterId.description)
        #expect(response.controllerId == 1, "the lowest live broker stands in for the in-process controller")
        #expect(response.brokers.map(\.brokerId) == [1, 2, 3])
        #expect(response.brokers.map(\.host) == ["127.0.0.1", "127.0.0.1", "127.0.0.1"])
        #expect(response.brokers.map(\.port) == [9001, 9002, 9003])
        #expect(response.brokers.allSatisfy { $0.rack == nil })
        #expect(response.clusterAuthorizedOperations == Int32.min, "not asked for")
        #expect(response.endpointType == 1)

        try harness.cluster.stopBroker(1)
        let after = try await harness.send(DescribeClusterRequest(includeClusterAuthorizedOperations: true), version: version, to: 2)
        #expect(after.brokers.map(\.brokerId) == [2, 3])
        #expect(after.controllerId == 2)
        // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
        #expect(after.clusterAuthorizedOperations == 0b1_1111_1010_0000)
    }

    @Test func v1AnswersForBrokerEndpointsOnly() async throws {
        let harness = try HandlerHarness(brokers: 1)
        let controllers = try await harness.send(DescribeClusterRequest(endpointType: 2), version: 1)
        #expect(controllers.errorCode == 114, "MISMATCHED_ENDPOINT_TYPE")
        #expect(controllers.brokers.isEmpty)
        let unknown = try await harness.send(DescribeClusterRequest(endpointType: 7), version: 1)
        #expect(unknown.errorCode == 115, "UNSUPPORTED_ENDPOINT_TYPE")
        #expect(unknown.errorMessage == "Unsupported endpoint type 7")
    }
}
