import BrokerEngine
import Foundation
import LogStore
import Testing

@Suite(.serialized) struct ClusterSnapshotTests {
    @Test func snapshotShowsBrokersTopicsReplicaStatusAndRates() throws {
        let harness = try ClusterHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 3, replicationFactor: 3, configs: ["retention.ms": "60000"])
        harness.scheduler.advance(byMs: 1_000)   // first traffic sample: the baseline
        for partition: Int32 in 0..<3 {
            _ = harness.produce(TopicPartition(topic: "orders", partition: partition), ["a", "b", "c", "d"])
        }
        harness.scheduler.advance(byMs: 1_000)
        let snapshot = harness.cluster.snapshot()
        #expect(snapshot.brokers.map(\.id) == [1, 2, 3])
        #expect(snapshot.brokersUp == 3)
        // orders (3 × RF 3) and the harness's __consumer_offsets (3 × RF 3) spread evenly.
        #expect(snapshot.brokers.map(\.leaderCount) == [2, 2, 2])
        #expect(snapshot.brokers.map(\.replicaCount) == [6, 6, 6])
        #expect(snapshot.topics.map(\.name) == ["__consumer_offsets", "orders"])
        #expect(snapshot.brokers.allSatisfy { $0.bytesOnDisk > 0 })
        let topic = try #require(snapshot.topics.first { $0.name == "orders" })
        #expect(topic.partitions.count == 3)
        #expect(topic.replicationFactor == 3)
        #expect(topic.records == 12)
        #expect(topic.configOverrides == ["retention.ms": "60000"])
        #expect(topic.partitions.allSatisfy { $0.highWatermark == 4 && $0.logEndOffset == 4 && $0.segmentCount == 1 })
        #expect(topic.rates.recordsInPerSecond == 12)
        #expect(snapshot.rates.recordsInPerSecond == 12)
        #expect(snapshot.underReplicatedCount == 0 && snapshot.offlineCount == 0)

        // A killed broker shows as stopped and its partitions as under-replicated.
        try harness.cluster.stopBroker(2, controlled: false)
        let after = harness.cluster.snapshot()
        #expect(after.brokers.first { $0.id == 2 }?.state == .stopped)
        #expect(after.brokersUp == 2)
        #expect(after.underReplicatedCount == 6)
        #expect(after.offlineCount == 0)
        #expect(after.brokers.first { $0.id == 2 }?.leaderCount == 0)

        let segments = harness.cluster.segments(of: TopicPartition(topic: "orders", partition: 0))
        #expect(segments.count == 1)
        #expect(segments.first?.fileName == "00000000000000000000.log")
        #expect(segments.first?.isActive == true)
    }
}
