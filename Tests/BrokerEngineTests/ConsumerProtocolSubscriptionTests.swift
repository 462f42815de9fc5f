import LogStore
import BrokerEngine
import Testing

@Suite("ConsumerProtocolSubscription decoder")
struct ConsumerProtocolSubscriptionTests {
    @Test(arguments: [Int16(0), 1, 2, 3])
    func decodesTopicsOfEveryVersion(version: Int16) throws {
        var bytes = subscriptionBytes(topics: ["orders", "payments"], version: min(version, 1))
        if version >= 2 {
            bytes[1] = UInt8(version)
            bytes += [0, 0, 0, 7]  // generation_id
        }
        if version >= 3 { bytes += [0, 2] + Array("r1".utf8) }
        let decoded = try #require(ConsumerProtocolSubscription(decoding: bytes))
        #expect(decoded.version == version)
        #expect(decoded.topics == ["orders", "payments"])
        #expect(decoded.userData == nil)
        #expect(decoded.generationId == (version >= 2 ? 7 : nil))
        #expect(decoded.rackId == (version >= 3 ? "r1" : nil))
    }

    @Test func decodesUserDataAndOwnedPartitions() throws {
        var bytes: [UInt8] = [0, 1, 0, 0, 0, 1, 0, 1] + Array("t".utf8)
        bytes += [0, 0, 0, 2, 0xAB, 0xCD]  // user data
        bytes += [0, 0, 0, 1, 0, 1] + Array("t".utf8) + [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3]
        let decoded = try #require(ConsumerProtocolSubscription(decoding: bytes))
        #expect(decoded.userData == [0xAB, 0xCD])
        #expect(decoded.ownedPartitions == [TopicPartition("t", 0), TopicPartition("t", 3)])
    }

    @Test func versionZeroMayEndAfterTheTopics() throws {
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 1] + Array("t".utf8)
        #expect(ConsumerProtocolSubscription(decoding: bytes)?.topics == ["t"])
    }

    @Test func malformedBytesDecodeToNil() {
        #expect(ConsumerProtocolSubscription(decoding: []) == nil)
        #expect(ConsumerProtocolSubscription(decoding: [0, 1, 0, 0, 0, 5]) == nil, "5 topics, no bytes")
        #expect(ConsumerProtocolSubscription(decoding: [0, 1, 0x7F, 0xFF, 0xFF, 0xFF]) == nil, "huge count")
        #expect(ConsumerProtocolSubscription(decoding: [0, 1, 0, 0, 0, 1, 0, 9, 1]) == nil, "short string")
        #expect(ConsumerProtocolSubscription(decoding: [0xFF, 0xFF, 0, 0, 0, 0]) == nil, "negative version")
    }

    @Test func undecodableMetadataCountsAsSubscribedToEverything() throws {
        let h = try GroupHarness()
        let join = h.join(clientId: "a", protocols: [MemberProtocol(name: "range", metadata: [1, 2, 3])],
                          requireKnownMemberId: false)
        h.scheduler.advance(byMs: 100)
        let id = try #require(join.value?.success?.memberId)
        h.sync(generation: 1, memberId: id, assignments: [id: []])
        _ = h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: id,
                                        offsets: [TopicPartition("any", 0): OffsetCommit(offset: 1)])
        let result = try h.coordinator.deleteOffsets(groupId: "g", partitions: [TopicPartition("any", 0)]).get()
        #expect(result.partitionErrors == [TopicPartition("any", 0): .groupSubscribedToTopic],
                "Kafka's isSubscribedToTopic is true when the subscription is unknown")
    }
}
