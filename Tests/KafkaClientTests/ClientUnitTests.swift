import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

@Suite struct PartitionerTests {
    /// Kafka's `UtilsTest.testMurmur2` vectors.
    @Test(arguments: [
        ("21", Int32(-973_932_308)),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
    ])
    func murmur2MatchesJava(key: String, expected: Int32) {
        #expect(Murmur2.hash(Array(key.utf8)) == expected)
    }

    @Test func keyedPartitionIsPositiveHashModuloCount() {
        // -973932308 & 0x7fffffff = 1173551340; % 3 = 0, % 7 = 4
        #expect(Murmur2.partition(forKey: Array("21".utf8), partitionCount: 3) == 1_173_551_340 % 3)
        #expect(Murmur2.partition(forKey: Array("21".utf8), partitionCount: 7) == 1_173_551_340 % 7)
        #expect(Murmur2.partition(forKey: [], partitionCount: 5) == Int32((Int(Murmur2.hash([])) & 0x7fff_ffff) % 5))
    }
}

@Suite struct RangeAssignorTests {
    @Test func contiguousRangesWithTheFirstMembersTakingTheRemainder() {
        let assignment = RangeAssignor.assign(
            subscriptions: ["c": ["t"], "a": ["t"], "b": ["t", "u"]],
            partitionCounts: ["t": 7, "u": 2])
        #expect(assignment["a"] == [0, 1, 2].map { TopicAndPartition("t", $0) })
        #expect(assignment["b"] == [TopicAndPartition("t", 3), TopicAndPartition("t", 4),
                                    TopicAndPartition("u", 0), TopicAndPartition("u", 1)])
        #expect(assignment["c"] == [5, 6].map { TopicAndPartition("t", $0) })
    }

    @Test func moreMembersThanPartitionsLeavesSomeEmpty() {
        let assignment = RangeAssignor.assign(subscriptions: ["m1": ["t"], "m2": ["t"], "m3": ["t"]], partitionCounts: ["t": 2])
        #expect(assignment["m1"] == [TopicAndPartition("t", 0)])
        #expect(assignment["m2"] == [TopicAndPartition("t", 1)])
        #expect(assignment["m3"] == [])
    }
}

@Suite struct ConsumerProtocolTests {
    @Test func subscriptionV0Bytes() {
        let bytes = ConsumerProtocol.encodeSubscription(topics: ["ab"])
        #expect(Array(bytes.readableBytesView) == [0, 0, 0, 0, 0, 1, 0, 2, 0x61, 0x62, 0xff, 0xff, 0xff, 0xff])
        #expect(ConsumerProtocol.decodeSubscription(bytes) == ["ab"])
    }

    @Test func assignmentRoundTripsSortedByTopicAndPartition() {
        let partitions = [TopicAndPartition("b", 1), TopicAndPartition("a", 2), TopicAndPartition("b", 0)]
        let bytes = ConsumerProtocol.encodeAssignment(partitions)
        #expect(ConsumerProtocol.decodeAssignment(bytes) == partitions.sorted())
        #expect(ConsumerProtocol.decodeAssignment(ByteBuffer()) == [])
        #expect(ConsumerProtocol.decodeAssignment(ByteBuffer(bytes: [0, 0, 0, 0, 0, 5])) == nil)
    }
}

@Suite struct ConfigurationTests {
    @Test func bootstrapListParses() throws {
        let addresses = try BrokerAddress.parseList("127.0.0.1:9092, localhost:19093,[::1]:9094,kafka")
        #expect(addresses == [BrokerAddress(host: "127.0.0.1", port: 9092), BrokerAddress(host: "localhost", port: 19093),
                              BrokerAddress(host: "::1", port: 9094), BrokerAddress(host: "kafka", port: 9092)])
        #expect(addresses[2].description == "[::1]:9094")
    }

    @Test func badBootstrapSaysWhy() {
        #expect(throws: KafkaClientError.invalidArgument("invalid broker address 'host:99999': bad port '99999'")) {
            try BrokerAddress.parseList("host:99999")
        }
        #expect(throws: KafkaClientError.invalidArgument("no bootstrap servers given")) { try BrokerAddress.parseList(" , ") }
    }

    @Test func versionNegotiationPicksTheLowerMaxAndRefusesNoOverlap() throws {
        let table = ApiVersionTable(broker: [.fetch: 4...17, .produce: 0...7, .offsetFetch: 8...10])
        #expect(try table.version(for: .fetch, address: "b:1") == 12)
        #expect(try table.version(for: .produce, address: "b:1") == 7)
        #expect(throws: KafkaClientError.noCommonVersion(address: "b:1", api: "OffsetFetch", ours: 1...7, broker: 8...10)) {
            try table.version(for: .offsetFetch, address: "b:1")
        }
        #expect(throws: KafkaClientError.unsupportedApi(address: "b:1", api: "Metadata")) {
            try table.version(for: .metadata, address: "b:1")
        }
        #expect("\(KafkaClientError.noCommonVersion(address: "b:1", api: "OffsetFetch", ours: 1...7, broker: 8...10))"
            == "no common OffsetFetch version with the broker at b:1: we speak 1-7, it speaks 8-10")
    }

    @Test func kafkaErrorsReadWithTheirProtocolNames() {
        let error = KafkaClientError.kafka(.unknownTopicOrPartition, context: "topic 'orders'", message: "the topic does not exist")
        #expect(error.description == "UNKNOWN_TOPIC_OR_PARTITION: topic 'orders': the topic does not exist")
        #expect(KafkaClientError.connectionFailed(address: "127.0.0.1:9092", reason: "connection refused").description
            == "cannot connect to 127.0.0.1:9092: connection refused")
    }
}
