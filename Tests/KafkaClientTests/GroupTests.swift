import KafkaClient
import KafkaProtocol
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct GroupTests {
    /// Polls until `count` records arrived or `seconds` passed.
    static func consume(_ consumer: GroupConsumer, count: Int, seconds: Int = 20) async throws -> [ConsumerRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        var records: [ConsumerRecord] = []
        while records.count < count && clock.now < deadline {
            records += try await consumer.poll(maxRecords: count - records.count)
        }
        return records
    }

    @Test func aMemberJoinsAsLeaderConsumesCommitsAndLeaves() async throws {
        try await withCluster { _, client in
            try await client.createTopic("events", partitions: 3, replicationFactor: 3)
            try await client.produce((0..<30).map { ProducerRecord(key: "k\($0)", value: "v\($0)") }, to: "events")

            let consumer = GroupConsumer(client: client, groupId: "g1", topics: ["events"],
                                         options: GroupConsumerOptions(autoOffsetReset: .earliest))
            let records = try await Self.consume(consumer, count: 30)
            #expect(records.count == 30)
            #expect(Set(records.map(\.value.string)) == Set((0..<30).map { "v\($0)" }))
            #expect(await consumer.assignment == (0..<3).map { TopicAndPartition("events", $0) })
            #expect(await consumer.generationId >= 1)

            let described = try await client.describeGroup("g1")
            #expect(described.state == "Stable")
            #expect(described.protocolName == "range")
            #expect(described.members.count == 1)
            #expect(described.members[0].assignment == (0..<3).map { TopicAndPartition("events", $0) })
            #expect(described.members[0].clientId == "client-test")
            #expect(try await client.listGroups().map(\.groupId).contains("g1"))

            await consumer.stop()
            let committed = try await client.committedOffsets(group: "g1")
            let ends = try await client.listOffsets(topic: "events", spec: .latest)
            #expect(committed == Dictionary(uniqueKeysWithValues: ends.map { (TopicAndPartition("events", $0.key), $0.value.offset!) }))
            #expect(try await client.describeGroup("g1").state == "Empty")
        }
    }

    @Test func twoMembersSplitThePartitionsByRange() async throws {
        try await withCluster { _, client in
            try await client.createTopic("split", partitions: 4, replicationFactor: 1)
            let first = GroupConsumer(client: client, groupId: "g2", topics: ["split"])
            _ = try await first.poll()
            #expect(await first.assignment.count == 4)

            let otherClient = try KafkaClient(bootstrap: try await client.metadata().brokers.map { "\($0.host):\($0.port)" }
                .joined(separator: ","))
            var options = GroupConsumerOptions()
            options.heartbeatInterval = .milliseconds(100)
            let second = GroupConsumer(client: otherClient, groupId: "g2", topics: ["split"], options: options)
            // The second join waits for the first member to rejoin, which it does on its
            // next poll after a heartbeat says a rebalance started.
            async let secondPolls: Void = {
                for _ in 0..<40 where await second.assignment.isEmpty { _ = try await second.poll() }
            }()
            for _ in 0..<40 {
                _ = try await first.poll()
                if await first.assignment.count == 2 { break }
            }
            try await secondPolls
            let a = await first.assignment, b = await second.assignment
            #expect(a.count == 2 && b.count == 2)
            #expect(Set(a + b) == Set((0..<4).map { TopicAndPartition("split", $0) }))

            await second.stop()
            await first.stop()
            await otherClient.close()
            #expect(try await client.describeGroup("g2").members.isEmpty)
        }
    }

    @Test func simpleCommitIsRefusedWhileTheGroupHasMembersAndAllowedAfter() async throws {
        try await withCluster { _, client in
            try await client.createTopic("reset", partitions: 1, replicationFactor: 1)
            try await client.produce((0..<5).map { ProducerRecord(value: "v\($0)") }, to: "reset")
            let consumer = GroupConsumer(client: client, groupId: "g3", topics: ["reset"],
                                         options: GroupConsumerOptions(autoOffsetReset: .earliest))
            #expect(try await Self.consume(consumer, count: 5).count == 5)
            try await consumer.commit()

            let tp = TopicAndPartition("reset", 0)
            do {
                try await client.commitOffsets(group: "g3", offsets: [tp: 0])
                Issue.record("a simple commit to an active group succeeded")
            } catch let error as KafkaClientError {
                #expect(error.kafkaError == .unknownMemberId)
            }
            await consumer.stop()
            try await client.commitOffsets(group: "g3", offsets: [tp: 1])
            #expect(try await client.committedOffsets(group: "g3") == [tp: 1])

            let deleted = try await client.deleteGroups(["g3", "nobody"])
            #expect(deleted["g3"] == .some(nil))
            #expect(deleted["nobody"]??.kafkaError == .groupIdNotFound)
        }
    }
}
