import BrokerEngine
import KafkaClient
import KafkaProtocol
import LogStore
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct DataPathTests {
    /// Reads every partition of `topic` from offset 0 up to the high watermark.
    static func readAll(_ client: KafkaClient, topic: String) async throws -> [ConsumerRecord] {
        let ends = try await client.listOffsets(topic: topic, spec: .latest)
        var records: [ConsumerRecord] = []
        for (partition, end) in ends.sorted(by: { $0.key < $1.key }) {
            var offset: Int64 = 0
            while offset < end.offset ?? 0 {
                let fetched = try await client.fetch(topic: topic, partition: partition, offset: offset)
                records += fetched.records
                offset = fetched.nextOffset
            }
        }
        return records
    }

    @Test(arguments: CompressionCodec.allCases)
    func producedRecordsComeBackWithKeysHeadersAndOffsets(codec: CompressionCodec) async throws {
        try await withCluster { served, client in
            try served.cluster.controller.createTopic("orders", partitions: 3, replicationFactor: 3)
            let records = (0..<50).map { i in
                ProducerRecord(key: "key-\(i % 7)", value: "value-\(i)", headers: [KafkaHeader("n", "\(i)"), KafkaHeader("nil", nil)])
            }
            let results = try await client.produce(records, to: "orders", options: ProduceOptions(acks: .all, compression: codec))
            #expect(results.map(\.recordCount).reduce(0, +) == 50)
            #expect(results.allSatisfy { $0.baseOffset == 0 })

            let read = try await Self.readAll(client, topic: "orders")
            #expect(read.count == 50)
            for record in read {
                let key = try #require(record.key.string)
                #expect(record.partition == Murmur2.partition(forKey: Array(key.utf8), partitionCount: 3))
                let n = try #require(record.headers.first { $0.key == "n" }?.value.string)
                #expect(record.value.string == "value-\(n)")
                #expect(key == "key-\(Int(n)! % 7)")
                #expect(record.headers.last == KafkaHeader("nil", nil))
            }
            // Per partition, offsets are 0, 1, 2, … in produce order.
            for partition in Set(read.map(\.partition)) {
                let inPartition = read.filter { $0.partition == partition }
                #expect(inPartition.map(\.offset) == (0..<Int64(inPartition.count)).map { $0 })
                let ns = inPartition.map { Int($0.headers[0].value.string!)! }
                #expect(ns == ns.sorted())
            }
            // The broker stored batches of the codec asked for.
            let log = try #require(served.cluster.leader(of: TopicPartition("orders", read[0].partition))?
                .replicaManager.logDirectory.partition(TopicPartition("orders", read[0].partition)))
            let stored = try log.read(from: 0, maxBytes: 1 << 20)
            #expect(Set(RecordBatchSequence(stored.records).compactMap { $0.header.attributes.compression }) == [codec])
        }
    }

    @Test func explicitPartitionAndStickyNullKeys() async throws {
        try await withCluster(brokers: 1) { served, client in
            try served.cluster.controller.createTopic("t", partitions: 4, replicationFactor: 1)
            let pinned = try await client.produce([ProducerRecord(value: "x", partition: 2)], to: "t")
            #expect(pinned.map(\.topicPartition) == [TopicAndPartition("t", 2)])
            // One call without keys sticks to one partition.
            let sticky = try await client.produce((0..<10).map { ProducerRecord(value: "v\($0)") }, to: "t")
            #expect(sticky.count == 1 && sticky[0].recordCount == 10)
            await #expect(throws: KafkaClientError.kafka(.unknownTopicOrPartition, context: "topic 't' partition 9",
                                                         message: "the topic has 4 partitions")) {
                try await client.produce([ProducerRecord(value: "x", partition: 9)], to: "t")
            }
        }
    }

    @Test func listOffsetsByTimestampAndFetchFromThere() async throws {
        try await withCluster(brokers: 1) { served, client in
            try served.cluster.controller.createTopic("times", partitions: 1, replicationFactor: 1)
            let records = (0..<10).map { ProducerRecord(value: "m\($0)", partition: 0, timestamp: 1_000_000 + Int64($0) * 1000) }
            try await client.produce(records, to: "times")
            let tp = TopicAndPartition("times", 0)
            let listed = try await client.listOffsets([tp: .timestamp(1_004_500)])
            #expect(listed[tp]?.offset == 5)
            #expect(listed[tp]?.timestamp == 1_005_000)
            #expect(try await client.listOffsets([tp: .timestamp(9_000_000)])[tp]?.offset == nil)
            #expect(try await client.listOffsets([tp: .earliest])[tp]?.offset == 0)
            #expect(try await client.listOffsets([tp: .latest])[tp]?.offset == 10)

            let fetched = try await client.fetch(topic: "times", partition: 0, offset: 5)
            #expect(fetched.records.map(\.value.string) == (5..<10).map { "m\($0)" })
            #expect(fetched.records.first?.timestamp == 1_005_000)
            #expect(fetched.highWatermark == 10)
            #expect(fetched.nextOffset == 10)
        }
    }

    @Test func acksZeroGetsNoOffsetsButTheRecordsArrive() async throws {
        try await withCluster(brokers: 1) { served, client in
            try served.cluster.controller.createTopic("fire", partitions: 1, replicationFactor: 1)
            let results = try await client.produce([ProducerRecord(value: "a"), ProducerRecord(value: "b")], to: "fire",
                                                   options: ProduceOptions(acks: .none))
            #expect(results.map(\.baseOffset) == [-1])
            var end: Int64 = 0
            for _ in 0..<200 where end < 2 {
                end = try await client.listOffsets([TopicAndPartition("fire", 0): .latest])[TopicAndPartition("fire", 0)]?.offset ?? 0
                if end < 2 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(end == 2)
        }
    }

    @Test func unknownTopicFailsAtOnceWithItsName() async throws {
        try await withCluster(brokers: 1) { _, client in
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: KafkaClientError.kafka(.unknownTopicOrPartition, context: "topic 'missing'",
                                                         message: "the topic does not exist")) {
                _ = try await client.fetch(topic: "missing", partition: 0, offset: 0)
            }
            #expect(clock.now - start < .seconds(2))
        }
    }

    @Test func fetchPastTheEndIsOffsetOutOfRange() async throws {
        try await withCluster(brokers: 1) { served, client in
            try served.cluster.controller.createTopic("short", partitions: 1, replicationFactor: 1)
            try await client.produce([ProducerRecord(value: "only", partition: 0)], to: "short")
            let fetched = try await client.fetch([TopicAndPartition("short", 0): 50])
            #expect(fetched[TopicAndPartition("short", 0)]?.error?.kafkaError == .offsetOutOfRange)
        }
    }
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct FailoverTests {
    @Test func produceAndFetchFollowTheLeaderWhenItStops() async throws {
        try await withCluster { served, client in
            try await client.createTopic("moving", partitions: 1, replicationFactor: 3)
            try await client.produce([ProducerRecord(value: "before", partition: 0)], to: "moving")
            let leader = try await client.describeTopics(["moving"])[0].partitions[0].leader
            try served.cluster.stopBroker(leader, controlled: true)

            try await client.produce([ProducerRecord(value: "after", partition: 0)], to: "moving")
            let moved = try await client.describeTopics(["moving"])[0].partitions[0].leader
            #expect(moved != leader && moved > 0)
            var values: [String?] = []
            var offset: Int64 = 0
            for _ in 0..<50 where values.count < 2 {
                let fetched = try await client.fetch([TopicAndPartition("moving", 0): offset])[TopicAndPartition("moving", 0)]!
                values += fetched.records.map(\.value.string)
                offset = fetched.nextOffset
                if fetched.error != nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(values == ["before", "after"])
        }
    }
}
