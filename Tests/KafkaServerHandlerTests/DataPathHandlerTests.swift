import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import NIOCore
import Testing

/// Produce, Fetch, ListOffsets, OffsetForLeaderEpoch and InitProducerId through the router.
struct DataPathHandlerTests {
    static func produceRequest(_ topic: String, _ partition: Int32, _ records: ByteBuffer, acks: Int16 = -1) -> ProduceRequest {
        ProduceRequest(acks: acks, timeoutMs: 10_000, topicData: [
            .init(name: topic, partitionData: [.init(index: partition, records: records)]),
        ])
    }

    static func fetchRequest(_ topic: String, _ partition: Int32, offset: Int64, maxWaitMs: Int32 = 0, minBytes: Int32 = 1) -> FetchRequest {
        FetchRequest(maxWaitMs: maxWaitMs, minBytes: minBytes, maxBytes: 1 << 20, topics: [
            .init(topic: topic, partitions: [.init(partition: partition, fetchOffset: offset, partitionMaxBytes: 1 << 20)]),
        ])
    }

    func makeTopic(_ harness: HandlerHarness, _ name: String = "events", partitions: Int32 = 1) async throws -> Int32 {
        _ = harness.cluster.controller.createTopics([NewTopic(name: name, numPartitions: partitions, replicationFactor: 3)])
        let tp = TopicPartition(name, 0)
        #expect(await HandlerHarness.eventually { harness.cluster.leader(of: tp) != nil })
        return harness.cluster.controller.image.partition(tp)!.leader
    }

    @Test func produceThenFetchReturnsTheSameBatchBytes() async throws {
        let harness = try HandlerHarness()
        let leader = try await makeTopic(harness)
        let batch = HandlerHarness.batch(["a", "b", "c"], keys: ["k1", nil, "k3"])
        for version: Int16 in [3, 7, 9, 11] {
            let produced = try await harness.send(Self.produceRequest("events", 0, batch), version: version, to: leader)
            let partition = try #require(produced.responses.first?.partitionResponses.first)
            #expect(partition.errorCode == 0, "v\(version): \(partition.errorMessage ?? "")")
        }
        for version: Int16 in [4, 11, 12] {
            let fetched = try await harness.send(Self.fetchRequest("events", 0, offset: 3), version: version, to: leader)
            let partition = try #require(fetched.responses.first?.partitions.first)
            #expect(partition.errorCode == 0)
            #expect(partition.highWatermark == 12)
            let batches = Array(RecordBatchSequence(partition.records!))
            #expect(batches.map { $0.header.baseOffset } == [3, 6, 9])
            #expect(batches.allSatisfy { $0.crcIsValid })
            #expect(try batches[0].decode().records.map { $0.key.map { String(buffer: $0) } } == ["k1", nil, "k3"])
        }
    }

    @Test func acksZeroGetsNoResponseAndAFollowerSaysNotLeader() async throws {
        let harness = try HandlerHarness()
        let leader = try await makeTopic(harness)
        let none = try await harness.sendRaw(Self.produceRequest("events", 0, HandlerHarness.batch(["x"]), acks: 0), version: 9, to: leader)
        #expect(none == nil)
        #expect(await HandlerHarness.eventually { harness.cluster.leader(of: TopicPartition("events", 0))?.replicaManager.highWatermark(TopicPartition("events", 0)) == 1 })

        let follower: Int32 = leader == 1 ? 2 : 1
        let refused = try await harness.send(Self.produceRequest("events", 0, HandlerHarness.batch(["y"])), version: 11, to: follower)
        let partition = try #require(refused.responses.first?.partitionResponses.first)
        #expect(partition.errorCode == KafkaError.notLeaderOrFollower.code)
        #expect(partition.currentLeader.leaderId == leader)

        let unknown = try await harness.send(Self.produceRequest("missing", 0, HandlerHarness.batch(["z"])), version: 9, to: leader)
        #expect(unknown.responses.first?.partitionResponses.first?.errorCode == KafkaError.unknownTopicOrPartition.code)

        let badAcks = try await harness.send(Self.produceRequest("events", 0, HandlerHarness.batch(["z"]), acks: 2), version: 9, to: leader)
        #expect(badAcks.responses.first?.partitionResponses.first?.errorCode == KafkaError.invalidRequiredAcks.code)
    }

    @Test func minInsyncReplicasRefusesAcksAll() async throws {
        let harness = try HandlerHarness()
        _ = harness.cluster.controller.createTopics([NewTopic(name: "safe", numPartitions: 1, replicationFactor: 2,
                                                              configs: ["min.insync.replicas": "3"])])
        let tp = TopicPartition("safe", 0)
        #expect(await HandlerHarness.eventually { harness.cluster.leader(of: tp) != nil })
        let leader = harness.cluster.controller.image.partition(tp)!.leader
        let response = try await harness.send(Self.produceRequest("safe", 0, HandlerHarness.batch(["v"])), version: 9, to: leader)
        #expect(response.responses.first?.partitionResponses.first?.errorCode == KafkaError.notEnoughReplicas.code)
    }

    @Test func aLongPollFetchReturnsWhenRecordsArrive() async throws {
        let harness = try HandlerHarness()
        let leader = try await makeTopic(harness)
        let started = Date()
        async let fetched = harness.send(Self.fetchRequest("events", 0, offset: 0, maxWaitMs: 60_000), version: 12, to: leader)
        try await Task.sleep(for: .milliseconds(100))
        let produced = try await harness.send(Self.produceRequest("events", 0, HandlerHarness.batch(["late"])), version: 9, to: leader)
        #expect(produced.responses.first?.partitionResponses.first?.errorCode == 0)
        let partition = try #require(try await fetched.responses.first?.partitions.first)
        #expect(partition.records.map { $0.readableBytes > 0 } == true)
        #expect(Date().timeIntervalSince(started) < 45, "answered by the append, not the 60 s timeout")

        let empty = try await harness.send(Self.fetchRequest("events", 0, offset: 1, maxWaitMs: 200), version: 12, to: leader)
        #expect(empty.responses.first?.partitions.first?.records?.readableBytes == 0)
        let outOfRange = try await harness.send(Self.fetchRequest("events", 0, offset: 50), version: 12, to: leader)
        #expect(outOfRange.responses.first?.partitions.first?.errorCode == KafkaError.offsetOutOfRange.code)
    }

    @Test func listOffsetsEarliestLatestAndByTimestamp() async throws {
        let harness = try HandlerHarness()
        let leader = try await makeTopic(harness)
        _ = try await harness.send(Self.produceRequest("events", 0, HandlerHarness.batch(["a", "b"])), version: 9, to: leader)
        let before = Int64(Date().timeIntervalSince1970 * 1000) + 1
        try await Task.sleep(for: .milliseconds(5))
        _ = try await harness.send(Self.produceRequest("events", 0, HandlerHarness.batch(["c"])), version: 9, to: leader)
        func query(_ timestamp: Int64, version: Int16 = 7) async throws -> ListOffsetsResponse.ListOffsetsPartitionResponse {
            let request = ListOffsetsRequest(replicaId: -1, topics: [.init(name: "events", partitions: [.init(partitionIndex: 0, timestamp: timestamp)])])
            return try #require(try await harness.send(request, version: version, to: leader).topics.first?.partitions.first)
        }
        #expect(try await query(-2).offset == 0)
        #expect(try await query(-1).offset == 3)
        #expect(try await query(-1, version: 1).offset == 3)
        #expect(try await query(before).offset == 2)
        #expect(try await query(before + 3_600_000).offset == -1)
        #expect(try await query(-3).offset == 2)
    }

    @Test func offsetForLeaderEpochAnswersTheEndOfTheEpoch() async throws {
        let harness = try HandlerHarness()
        let leader = try await makeTopic(harness)
        _ = try await harness.send(Self.produceRequest("events", 0, HandlerHarness.batch(["a", "b"])), version: 9, to: leader)
        let epoch = harness.cluster.controller.image.partition(TopicPartition("events", 0))!.leaderEpoch
        let request = OffsetForLeaderEpochRequest(replicaId: -1, topics: [.init(topic: "events", partitions: [
            .init(partition: 0, currentLeaderEpoch: epoch, leaderEpoch: epoch),
        ])])
        let answer = try #require(try await harness.send(request, version: 4, to: leader).topics.first?.partitions.first)
        #expect(answer.errorCode == 0)
        #expect(answer.leaderEpoch == epoch)
        #expect(answer.endOffset == 2)
    }

    @Test func idempotentProducerRetriesAreAnsweredWithTheOriginalOffset() async throws {
        let harness = try HandlerHarness()
        let leader = try await makeTopic(harness)
        let first = try await harness.send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000), version: 4)
        let second = try await harness.send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000), version: 0)
        #expect(first.errorCode == 0 && second.errorCode == 0)
        #expect(first.producerId != second.producerId)
        let batch = HandlerHarness.batch(["once"], producerId: first.producerId, epoch: first.producerEpoch, sequence: 0)
        let a = try await harness.send(Self.produceRequest("events", 0, batch), version: 9, to: leader)
        let b = try await harness.send(Self.produceRequest("events", 0, batch), version: 9, to: leader)
        #expect(a.responses.first?.partitionResponses.first?.baseOffset == 0)
        #expect(b.responses.first?.partitionResponses.first?.errorCode == 0)
        #expect(b.responses.first?.partitionResponses.first?.baseOffset == 0)
        let gap = HandlerHarness.batch(["gap"], producerId: first.producerId, epoch: first.producerEpoch, sequence: 5)
        let c = try await harness.send(Self.produceRequest("events", 0, gap), version: 9, to: leader)
        #expect(c.responses.first?.partitionResponses.first?.errorCode == KafkaError.outOfOrderSequenceNumber.code)

        let transactional = try await harness.send(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000), version: 4)
        #expect(transactional.errorCode != 0)
    }
}
