import BrokerEngine
import KafkaProtocol
import KafkaServer
import LogStore
import Testing

struct FindCoordinatorHandlerTests {
    /// The broker leading the group's `__consumer_offsets` partition, from the engine.
    static func expectedCoordinator(_ harness: HandlerHarness, _ groupId: String) throws -> Int32 {
        let index = OffsetsTopicPartitioner.partition(for: groupId, partitionCount: harness.cluster.options.offsetsTopicPartitions)
        return try #require(harness.cluster.leader(of: TopicPartition("__consumer_offsets", index))?.id)
    }

    @Test func v0NamesTheLeaderOfTheGroupsOffsetsPartition() async throws {
        let harness = try HandlerHarness()
        for groupId in ["payments", "audit", "group-with-a-long-name"] {
            let expected = try Self.expectedCoordinator(harness, groupId)
            // Any broker gives the same answer.
            for broker: Int32 in 1...3 {
                let response = try await harness.send(FindCoordinatorRequest(key: groupId), version: 0, to: broker)
                #expect(response.errorCode == 0)
                #expect(response.nodeId == expected)
                #expect(response.host == "127.0.0.1")
                #expect(response.port == 9000 + expected)
            }
        }
    }

    @Test func v1To3AnswerAtTheTopLevelWithANullMessageOnSuccess() async throws {
        let harness = try HandlerHarness()
        let expected = try Self.expectedCoordinator(harness, "payments")
        for version: Int16 in 1...3 {
            let response = try await harness.send(FindCoordinatorRequest(key: "payments", keyType: 0), version: version)
            #expect(response.errorCode == 0)
            #expect(response.errorMessage == nil)
            #expect(response.nodeId == expected)
            #expect(response.port == 9000 + expected)
        }
    }

    @Test func v4BatchesKeysAndAnswersEachOne() async throws {
        let harness = try HandlerHarness()
        let keys = ["payments", "audit", "orders-consumers"]
        let response = try await harness.send(FindCoordinatorRequest(keyType: 0, coordinatorKeys: keys), version: 4)
        #expect(response.coordinators.map(\.key) == keys)
        for coordinator in response.coordinators {
            let expected = try Self.expectedCoordinator(harness, coordinator.key)
            #expect(coordinator.errorCode == 0)
            #expect(coordinator.errorMessage == nil)
            #expect(coordinator.nodeId == expected)
            #expect(coordinator.host == "127.0.0.1")
            #expect(coordinator.port == 9000 + expected)
        }
    }

    @Test func transactionCoordinatorsAreNotAvailableYet() async throws {
        let harness = try HandlerHarness()
        let batched = try await harness.send(FindCoordinatorRequest(keyType: 1, coordinatorKeys: ["tx-1", "tx-2"]), version: 4)
        #expect(batched.coordinators.map(\.key) == ["tx-1", "tx-2"])
        for coordinator in batched.coordinators {
            #expect(coordinator.errorCode == KafkaError.coordinatorNotAvailable.code)
            #expect(coordinator.errorMessage == KafkaError.coordinatorNotAvailable.message)
            #expect(coordinator.nodeId == -1 && coordinator.host == "" && coordinator.port == -1)
        }
        let single = try await harness.send(FindCoordinatorRequest(key: "tx-1", keyType: 1), version: 1)
        #expect(single.errorCode == KafkaError.coordinatorNotAvailable.code)
        #expect(single.nodeId == -1 && single.host == "" && single.port == -1)
    }

    @Test func unknownKeyTypesAreInvalidRequests() async throws {
        let harness = try HandlerHarness(brokers: 1)
        let response = try await harness.send(FindCoordinatorRequest(keyType: 2, coordinatorKeys: ["share"]), version: 4)
        #expect(response.coordinators.map(\.errorCode) == [KafkaError.invalidRequest.code])
    }

    @Test func aGroupWhosePartitionHasNoLeaderHasNoCoordinator() async throws {
        let harness = try HandlerHarness(brokers: 1)
        try harness.cluster.stopBroker(1, controlled: false)
        let response = try await harness.send(FindCoordinatorRequest(key: "payments"), version: 0)
        #expect(response.errorCode == KafkaError.coordinatorNotAvailable.code)
        #expect(response.nodeId == -1 && response.host == "" && response.port == -1)
    }

    @Test func servedVersionsAreAdvertised() async throws {
        let harness = try HandlerHarness(brokers: 1)
        let response = try await harness.send(ApiVersionsRequest(), version: 3)
        let ranges = Dictionary(uniqueKeysWithValues: response.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
        let expected: [(ApiKey, ClosedRange<Int16>)] = [
            (.findCoordinator, 0...4), (.joinGroup, 0...9), (.syncGroup, 0...5), (.heartbeat, 0...4),
            (.leaveGroup, 0...5), (.offsetCommit, 2...9), (.offsetFetch, 1...9), (.listGroups, 0...5),
            (.describeGroups, 0...5), (.deleteGroups, 0...2), (.offsetDelete, 0...0),
        ]
        for (key, range) in expected { #expect(ranges[key.rawValue] == range, "\(key)") }
    }
}
