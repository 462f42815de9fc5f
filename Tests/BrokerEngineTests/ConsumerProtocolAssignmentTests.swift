import BrokerEngine
import LogStore
import Testing

@Suite("ConsumerProtocolAssignment decoder")
struct ConsumerProtocolAssignmentTests {
    @Test(arguments: [Int16(0), 1, 2, 3])
    func decodesPartitionsOfEveryVersion(version: Int16) throws {
        let bytes = assignmentBytes([("orders", [2, 0]), ("payments", [1])], version: version)
        let decoded = try #require(ConsumerProtocolAssignment(decoding: bytes))
        #expect(decoded.version == version)
        #expect(decoded.partitions == [TopicPartition("orders", 2), TopicPartition("orders", 0),
                                       TopicPartition("payments", 1)], "in the leader's order")
        #expect(decoded.userData == nil)
    }

    @Test func decodesUserData() throws {
        let bytes = assignmentBytes([("t", [0])], version: 1, userData: [0xAB, 0xCD])
        #expect(ConsumerProtocolAssignment(decoding: bytes)?.userData == [0xAB, 0xCD])
    }

    @Test func mayEndAfterThePartitions() throws {
        let bytes = Array(assignmentBytes([("t", [3])]).dropLast(4))   // without the user data length
        #expect(ConsumerProtocolAssignment(decoding: bytes)?.partitions == [TopicPartition("t", 3)])
    }

    @Test func anEmptyAssignmentHasNoPartitions() throws {
        #expect(ConsumerProtocolAssignment(decoding: assignmentBytes([]))?.partitions == [])
    }

    @Test func malformedBytesDecodeToNil() {
        #expect(ConsumerProtocolAssignment(decoding: []) == nil)
        #expect(ConsumerProtocolAssignment(decoding: [0, 0, 0, 0, 0, 2]) == nil, "2 topics, no bytes")
        #expect(ConsumerProtocolAssignment(decoding: [0, 0, 0x7F, 0xFF, 0xFF, 0xFF]) == nil, "huge count")
        #expect(ConsumerProtocolAssignment(decoding: [0, 0, 0, 0, 0, 1, 0, 1] + Array("t".utf8) + [0, 0, 0, 1, 0]) == nil,
                "short partition")
        #expect(ConsumerProtocolAssignment(decoding: [0xFF, 0xFF, 0, 0, 0, 0]) == nil, "negative version")
        #expect(ConsumerProtocolAssignment(decoding: assignmentBytes([("t", [0])]) + [0]) != nil,
                "a newer version's extra bytes are ignored")
        #expect(ConsumerProtocolAssignment(decoding: Array(assignmentBytes([("t", [0])]).dropLast(4)) + [0, 0]) == nil,
                "a torn user data length")
    }
}
