import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import Testing

/// What the admin APIs need from the cluster beyond the controller: broker configs and
/// DeleteRecords on a partition's leader.
@Suite(.serialized) struct ClusterAdminTests {
    static let orders = TopicPartition(topic: "orders", partition: 0)

    @Test func brokerConfigsUseKafkaNamesAndSayWhatDiffersFromKafkasDefaults() throws {
        let harness = try ClusterHarness(brokers: 1) { $0.cluster.numPartitions = 4 }
        let entries = harness.cluster.describeBrokerConfigs(brokerId: 1)
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        #expect(entries.map(\.name) == entries.map(\.name).sorted())
        #expect(byName["num.partitions"]?.value == "4")
        #expect(byName["num.partitions"]?.source == .staticBrokerConfig)
        #expect(byName["num.partitions"]?.type == .int)
        #expect(byName["default.replication.factor"]?.value == "1")
        #expect(byName["default.replication.factor"]?.source == .defaultConfig)
        #expect(byName["replica.lag.time.max.ms"]?.type == .long)
        #expect(byName["replica.fetch.wait.max.ms"]?.value == "20")
        #expect(byName["offsets.topic.num.partitions"]?.value == "3")
        #expect(byName["offsets.topic.replication.factor"]?.type == .short)
        #expect(byName["node.id"]?.value == "1")
        #expect(byName["log.dirs"]?.value == harness.root.path + "/broker-1")
        #expect(byName["log.retention.hours"]?.value == "168")
        #expect(byName["log.retention.hours"]?.source == .defaultConfig)
        #expect(byName["message.max.bytes"]?.value == "1048588")
        #expect(byName["log.cleanup.policy"]?.type == .list)
        #expect(entries.allSatisfy { $0.isReadOnly && !$0.isSensitive && $0.synonyms.count == 1 && $0.documentation != nil })
    }

    @Test func deleteRecordsMovesTheLogStartOnTheLeaderAndFollowersFollow() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        for i in 0..<5 { #expect(throws: Never.self) { try harness.produce(Self.orders, ["r\(i)"])?.get() } }
        let leader = try #require(harness.cluster.leader(of: Self.orders))
        #expect(leader.replicaManager.highWatermark(Self.orders) == 5)
        #expect(try leader.replicaManager.deleteRecords(Self.orders, before: 2) == 2)
        #expect(try leader.replicaManager.deleteRecords(Self.orders, before: 1) == 2, "never moves back")
        #expect(try leader.replicaManager.listOffset(Self.orders, timestamp: TimestampAndOffset.earliest)?.offset == 2)
        #expect(throws: ReplicationError.log(Self.orders, .offsetOutOfRange(offset: 6, logStartOffset: 2, logEndOffset: 5))) {
            try leader.replicaManager.deleteRecords(Self.orders, before: 6)
        }
        #expect(try leader.replicaManager.deleteRecords(Self.orders, before: -1) == 5, "-1 is the high watermark")
        let follower = try #require(harness.cluster.runningBrokerIds.first { $0 != leader.id }.flatMap(harness.cluster.broker))
        #expect(throws: ReplicationError.notLeaderOrFollower(Self.orders)) {
            try follower.replicaManager.deleteRecords(Self.orders, before: 5)
        }
        #expect(ClusterHarness.waitUntil { follower.replicaManager.logDirectory.partition(Self.orders)?.logStartOffset == 5 })
    }
}
