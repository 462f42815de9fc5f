import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import Testing

struct CreatePartitionsHandlerTests {
    typealias Topic = CreatePartitionsRequest.CreatePartitionsTopic

    @Test(arguments: [Int16(0), 3])
    func growsTopicsAndRefusesCountsThatDoNotIncrease(version: Int16) async throws {
        let harness = try HandlerHarness()
        for name in ["grow", "same", "shrink"] {
            try harness.cluster.controller.createTopic(name, partitions: 2, replicationFactor: 2)
        }
        let response = try await harness.send(CreatePartitionsRequest(topics: [
            Topic(name: "grow", count: 4), Topic(name: "same", count: 2), Topic(name: "shrink", count: 1),
            Topic(name: "nope", count: 3), Topic(name: "__consumer_offsets", count: 10),
        ]), version: version)
        #expect(response.results.map(\.name) == ["grow", "same", "shrink", "nope", "__consumer_offsets"])
        #expect(response.results.map(\.errorCode) == [
            0, KafkaError.invalidPartitions.code, KafkaError.invalidPartitions.code,
            KafkaError.unknownTopicOrPartition.code, KafkaError.policyViolation.code,
        ])
        #expect(response.results[0].errorMessage == nil)
        #expect(response.results[1].errorMessage == "Topic already has 2 partitions.")
        #expect(response.results[2].errorMessage == "Topic currently has 2 partitions, which is higher than the requested 1.")
        let image = harness.cluster.controller.image
        #expect(image.topic(named: "grow")?.partitionCount == 4)
        #expect(image.topic(named: "grow")?.partitions.values.allSatisfy { $0.replicas.count == 2 } == true)
        #expect(image.topic(named: "same")?.partitionCount == 2)
        // The new partitions are hosted: their logs exist on their replicas.
        let newPartition = TopicPartition("grow", 3)
        let replicas = try #require(image.partition(newPartition)?.replicas)
        #expect(await HandlerHarness.eventually {
            replicas.allSatisfy { harness.cluster.broker($0)?.replicaManager.logDirectory.partition(newPartition) != nil }
        })
    }

    @Test(arguments: [Int16(0), 3])
    func validateOnlyAndManualAssignments(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("grow", partitions: 1, replicationFactor: 2)
        let dryRun = try await harness.send(CreatePartitionsRequest(topics: [Topic(name: "grow", count: 5)], validateOnly: true),
                                            version: version)
        #expect(dryRun.results.map(\.errorCode) == [0])
        #expect(harness.cluster.controller.image.topic(named: "grow")?.partitionCount == 1)

        let response = try await harness.send(CreatePartitionsRequest(topics: [
            Topic(name: "grow", count: 3, assignments: [.init(brokerIds: [3, 2]), .init(brokerIds: [1, 3])]),
        ]), version: version)
        #expect(response.results.map(\.errorCode) == [0])
        let image = harness.cluster.controller.image
        #expect(image.partition(TopicPartition("grow", 1))?.replicas == [3, 2])
        #expect(image.partition(TopicPartition("grow", 2))?.replicas == [1, 3])

        let mismatched = try await harness.send(CreatePartitionsRequest(topics: [
            Topic(name: "grow", count: 5, assignments: [.init(brokerIds: [1, 2])]),
            Topic(name: "grow", count: 6),
        ]), version: version)
        #expect(mismatched.results.map(\.errorCode) == [KafkaError.invalidRequest.code])
        #expect(mismatched.results[0].errorMessage == "Duplicate topic name.")
        let short = try await harness.send(CreatePartitionsRequest(topics: [
            Topic(name: "grow", count: 5, assignments: [.init(brokerIds: [1, 2])]),
        ]), version: version)
        #expect(short.results.map(\.errorCode) == [KafkaError.invalidReplicaAssignment.code])
        #expect(short.results[0].errorMessage == "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.")
    }
}
