import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import Testing

/// The in-process cluster end to end: controller decisions reach the brokers, replication
/// runs on real fetcher threads over real log directories.
@Suite(.serialized) struct ClusterTests {
    static let orders = TopicPartition(topic: "orders", partition: 0)

    @Test func topicCreatedOnTheControllerIsLedAndReplicatedByTheBrokers() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 3, replicationFactor: 3)
        for partition: Int32 in 0..<3 {
            let tp = TopicPartition(topic: "orders", partition: partition)
            #expect(try harness.produce(tp, ["p\(partition)"])?.get().firstOffset == 0)
        }
        // Leadership is spread: each broker leads one of the three partitions.
        let leaders = (0..<3).compactMap { harness.cluster.leader(of: TopicPartition(topic: "orders", partition: $0))?.id }
        #expect(Set(leaders) == [1, 2, 3])
        #expect(ClusterHarness.waitUntil { (try? harness.values(Self.orders, on: 1)) == ["p0"] &&
                                           (try? harness.values(Self.orders, on: 2)) == ["p0"] &&
                                           (try? harness.values(Self.orders, on: 3)) == ["p0"] })
        // Broker directories are Kafka's.
        let broker1 = harness.root.appendingPathComponent("broker-1")
        #expect(FileManager.default.fileExists(atPath: broker1.appendingPathComponent("orders-0/00000000000000000000.log").path))
        #expect(FileManager.default.fileExists(atPath: broker1.appendingPathComponent("meta.properties").path))
    }

    @Test func leaderFailoverDuringAcksAllProduceLosesNoAcknowledgedRecord() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        var acknowledged: [String] = []
        var killed: Int32?
        for i in 0..<60 {
            if i == 30 {
                killed = harness.cluster.leader(of: Self.orders)?.id
                try harness.cluster.stopBroker(killed!, controlled: false)
            }
            let value = "record-\(i)"
            // A client retries a failed produce against the new leader.
            for _ in 0..<3 {
                if case .success = harness.produce(Self.orders, [value]) {
                    acknowledged.append(value)
                    break
                }
            }
        }
        #expect(acknowledged.count == 60)
        let newLeader = try #require(harness.cluster.leader(of: Self.orders))
        #expect(newLeader.id != killed)
        let onLeader = try harness.values(Self.orders, on: newLeader.id)
        #expect(acknowledged.allSatisfy { onLeader.contains($0) })
        // The killed broker comes back, truncates what it must, catches up and rejoins the ISR.
        try harness.cluster.startBroker(killed!)
        #expect(ClusterHarness.waitUntil { (try? harness.values(Self.orders, on: killed!)) == onLeader })
        harness.scheduler.advance(byMs: 1)
        #expect(ClusterHarness.waitUntil {
            _ = harness.produce(Self.orders, ["nudge"], acks: 1)   // a fetch after catching up rejoins the ISR
            return harness.cluster.controller.image.partition(Self.orders)?.isr.count == 3
        })
    }

    @Test func controlledShutdownMovesLeadershipBeforeTheBrokerStops() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        _ = harness.produce(Self.orders, ["a"])
        let leader = try #require(harness.cluster.leader(of: Self.orders)).id
        try harness.cluster.stopBroker(leader, controlled: true)
        let registration = try #require(harness.cluster.controller.image.partition(Self.orders))
        #expect(registration.leader != leader && registration.leader >= 0)
        #expect(!registration.isr.contains(leader))
        #expect(try harness.produce(Self.orders, ["b"])?.get().firstOffset == 1)
        // A clean stop leaves the clean-shutdown marker.
        #expect(FileManager.default.fileExists(atPath: harness.root.appendingPathComponent("broker-\(leader)/.kafka_cleanshutdown").path))
        // Back again: preferred leadership returns to it once it is in the ISR.
        try harness.cluster.startBroker(leader)
        #expect(ClusterHarness.waitUntil {
            _ = harness.produce(Self.orders, ["c"], acks: 1)
            return harness.cluster.controller.image.partition(Self.orders)?.isr.count == 3
        })
        _ = try harness.cluster.controller.preferredLeaderElection()
        #expect(harness.cluster.controller.image.partition(Self.orders)?.leader == leader)
    }

    @Test func stoppedFollowerLeavesTheIsrAndMinInsyncReplicasRefusesAcksAll() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3,
                                                   configs: ["min.insync.replicas": "3"])
        #expect(try harness.produce(Self.orders, ["one"])?.get().firstOffset == 0)
        let leader = try #require(harness.cluster.leader(of: Self.orders)).id
        let follower = try #require(harness.cluster.controller.image.partition(Self.orders)?.replicas.first { $0 != leader })
        try harness.cluster.stopBroker(follower, controlled: false)
        #expect(harness.cluster.controller.image.partition(Self.orders)?.isr.contains(follower) == false)
        guard case .failure(.notEnoughReplicas)? = harness.produce(Self.orders, ["two"]) else {
            Issue.record("acks=all with 2 in-sync replicas and min.insync.replicas=3 must be refused")
            return
        }
        #expect(try harness.produce(Self.orders, ["two"], acks: 1)?.get().firstOffset == 1)
        try harness.cluster.startBroker(follower)
        #expect(ClusterHarness.waitUntil {
            _ = harness.produce(Self.orders, ["x"], acks: 1)
            return harness.cluster.controller.image.partition(Self.orders)?.isr.count == 3
        })
        #expect(try harness.produce(Self.orders, ["three"])?.get().firstOffset != nil)
        #expect(ClusterHarness.waitUntil { (try? harness.values(Self.orders, on: follower).prefix(2)) == ["one", "two"] })
    }

    @Test func fullRestartRestoresTopicsConfigsDataAndProducerState() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3,
                                                   configs: ["retention.ms": "3600000"])
        #expect(try harness.produce(Self.orders, ["a"], producerId: 77, epoch: 0, sequence: 0)?.get().firstOffset == 0)
        #expect(try harness.produce(Self.orders, ["b"], producerId: 77, epoch: 0, sequence: 1)?.get().firstOffset == 1)
        let before = harness.cluster.controller.image
        try harness.restart()
        let after = harness.cluster.controller.image
        #expect(after.topic(named: "orders")?.id == before.topic(named: "orders")?.id)
        #expect(after.topicConfig("orders")["retention.ms"] == "3600000")
        #expect(after.topic(named: "orders")?.partitionCount == 2)
        #expect(after.clusterId == before.clusterId)
        #expect(ClusterHarness.waitUntil { harness.cluster.leader(of: Self.orders) != nil })
        let leader = try #require(harness.cluster.leader(of: Self.orders))
        #expect(try harness.values(Self.orders, on: leader.id) == ["a", "b"])
        // The producer's retry of its last batch is answered with the original offset.
        let retry = try harness.produce(Self.orders, ["b"], producerId: 77, epoch: 0, sequence: 1)?.get()
        #expect(retry?.firstOffset == 1)
        #expect(retry?.isDuplicate == true)
        #expect(try harness.values(Self.orders, on: leader.id) == ["a", "b"])
        // Out of order is refused.
        guard case .failure(.log(_, .outOfOrderSequence))? = harness.produce(Self.orders, ["d"], producerId: 77, epoch: 0, sequence: 5) else {
            Issue.record("a sequence gap must be refused")
            return
        }
    }

    @Test func deletedTopicsFilesAreRemovedFromEveryBroker() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        _ = harness.produce(Self.orders, ["a"])
        try harness.cluster.controller.deleteTopic("orders")
        for id: Int32 in 1...3 {
            let path = harness.root.appendingPathComponent("broker-\(id)/orders-0").path
            #expect(ClusterHarness.waitUntil { !FileManager.default.fileExists(atPath: path) })
        }
    }

    @Test func producerIdsAreNeverReusedAcrossRestarts() throws {
        let harness = try ClusterHarness()
        let first = try (0..<3).map { _ in try harness.cluster.producerIds.nextProducerId() }
        #expect(Set(first).count == 3)
        try harness.restart()
        let second = try harness.cluster.producerIds.nextProducerId()
        #expect(second > first.max()!)
    }

    @Test func unknownTopicIsCreatedOnFirstUseWithTheClusterDefaults() throws {
        let harness = try ClusterHarness { options in
            options.cluster.numPartitions = 4
            options.cluster.defaultReplicationFactor = 2
        }
        let topic = try harness.cluster.topicForUse("clicks")
        #expect(topic.partitionCount == 4)
        #expect(topic.partitions.values.allSatisfy { $0.replicas.count == 2 })
        #expect(try harness.produce(TopicPartition(topic: "clicks", partition: 3), ["x"])?.get().firstOffset == 0)
    }

    @Test func autoCreationCanBeTurnedOff() throws {
        let harness = try ClusterHarness { $0.cluster.autoCreateTopicsEnable = false }
        #expect(throws: ControllerError.self) { try harness.cluster.topicForUse("clicks") }
        #expect(harness.cluster.controller.image.topic(named: "clicks") == nil)
    }
}
