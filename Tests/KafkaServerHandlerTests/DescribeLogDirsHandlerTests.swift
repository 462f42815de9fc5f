import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import NIOCore
import Testing

struct DescribeLogDirsHandlerTests {
    @Test(arguments: [Int16(1), 4])
    func eachBrokerDescribesItsOwnDirectory(version: Int16) async throws {
        let harness = try HandlerHarness()
        try harness.cluster.controller.createTopic("orders", partitions: 2, replicationFactor: 3)
        try harness.cluster.controller.createTopic("other", partitions: 1, replicationFactor: 3)
        try await harness.produce(TopicPartition("orders", 0), ["a", "b", "c"])
        try await harness.produce(TopicPartition("orders", 1), ["d"])
        func caughtUp(_ id: Int32, _ tp: TopicPartition) -> Bool {
            let end = harness.cluster.broker(id)?.replicaManager.logDirectory.partition(tp)?.logEndOffset
            return end != nil && end == harness.cluster.leader(of: tp)?.replicaManager.logDirectory.partition(tp)?.logEndOffset
        }
        let partitions = [TopicPartition("orders", 0), TopicPartition("orders", 1)]
        #expect(await HandlerHarness.eventually { (Int32(1)...3).allSatisfy { id in partitions.allSatisfy { caughtUp(id, $0) } } })

        for broker: Int32 in 1...3 {
            let response = try await harness.send(DescribeLogDirsRequest(topics: nil), version: version, to: broker)
            #expect(response.errorCode == 0)
            let dir = try #require(response.results.first)
            #expect(response.results.count == 1)
            #expect(dir.errorCode == 0)
            #expect(dir.logDir == harness.root.path + "/broker-\(broker)")
            let names = dir.topics.map(\.name)
            #expect(names.contains("orders") && names.contains("other"))
            #expect(names.contains("__consumer_offsets"))
            #expect(names == names.sorted())
            let orders = try #require(dir.topics.first { $0.name == "orders" })
            #expect(orders.partitions.map(\.partitionIndex) == [0, 1])
            let log0 = try #require(harness.cluster.broker(broker)?.replicaManager.logDirectory.partition(TopicPartition("orders", 0)))
            #expect(orders.partitions[0].partitionSize == Int64(log0.size))
            #expect(orders.partitions[0].partitionSize > 0)
            #expect(orders.partitions.allSatisfy { $0.offsetLag == 0 && !$0.isFutureKey })
            if version >= 4 {
                #expect(dir.totalBytes > 0)
                #expect(dir.usableBytes >= 0 && dir.usableBytes <= dir.totalBytes)
            } else {
                #expect(dir.totalBytes == -1 && dir.usableBytes == -1, "not in v1-3")
            }
        }

        let filtered = try await harness.send(DescribeLogDirsRequest(topics: [.init(topic: "orders", partitions: [1, 5])]),
                                              version: version, to: 1)
        #expect(filtered.results[0].topics.map(\.name) == ["orders"])
        #expect(filtered.results[0].topics[0].partitions.map(\.partitionIndex) == [1])
        let none = try await harness.send(DescribeLogDirsRequest(topics: []), version: version, to: 1)
        #expect(none.results[0].topics.isEmpty)
    }

    /// A follower that has not fetched yet reports how far its log end is behind the leader's.
    @Test func followersReportTheirLagBehindTheLeader() async throws {
        // Followers fetch only when an append through the replica manager wakes them.
        let harness = try HandlerHarness { $0.replication.replicaFetchWaitMaxMs = 60_000 }
        let tp = TopicPartition("orders", 0)
        try harness.cluster.controller.createTopic("orders", partitions: 1, replicationFactor: 2)
        try await harness.produce(tp, ["a"])
        let leaderId = try #require(harness.leaderId(tp))
        let followerId = try #require(harness.cluster.controller.image.partition(tp)?.replicas.first { $0 != leaderId })
        let leaderLog = try #require(harness.cluster.broker(leaderId)?.replicaManager.logDirectory.partition(tp))
        let followerLog = try #require(harness.cluster.broker(followerId)?.replicaManager.logDirectory.partition(tp))
        #expect(await HandlerHarness.eventually { followerLog.logEndOffset == 1 })
        usleep(100_000)   // let the follower's fetcher go back to sleep
        // Straight into the leader's log, bypassing the replica manager: no follower is woken.
        _ = try leaderLog.append(HandlerHarness.batch(["b", "c", "d"]), leaderEpoch: 0)

        let atFollower = try await harness.send(DescribeLogDirsRequest(topics: [.init(topic: "orders", partitions: [0])]),
                                                version: 4, to: followerId)
        #expect(atFollower.results[0].topics.first?.partitions.first?.offsetLag == 3)
        let atLeader = try await harness.send(DescribeLogDirsRequest(topics: [.init(topic: "orders", partitions: [0])]),
                                              version: 4, to: leaderId)
        #expect(atLeader.results[0].topics.first?.partitions.first?.offsetLag == 0)
    }
}
