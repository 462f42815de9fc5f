@testable import BrokerEngine
import KafkaProtocol
import NIOCore
import Testing

/// Hand-assembled bytes, field by field from the JSON schemas in Kafka's
/// `group-coordinator/src/main/resources/common/message/` (not from our encoder).
struct SchemaBytes {
    var bytes: [UInt8] = []
    mutating func int16(_ v: Int16) { bytes += withUnsafeBytes(of: v.bigEndian, Array.init) }
    mutating func int32(_ v: Int32) { bytes += withUnsafeBytes(of: v.bigEndian, Array.init) }
    mutating func int64(_ v: Int64) { bytes += withUnsafeBytes(of: v.bigEndian, Array.init) }
    /// STRING / NULLABLE_STRING: int16 length (-1 = null), UTF-8.
    mutating func string(_ s: String?) {
        guard let s else { return int16(-1) }
        int16(Int16(s.utf8.count))
        bytes += Array(s.utf8)
    }
    /// BYTES: int32 length.
    mutating func kafkaBytes(_ b: [UInt8]) {
        int32(Int32(b.count))
        bytes += b
    }
    /// Lengths below 128 only, which is all these fixtures need: one varint byte.
    mutating func uvarint(_ v: Int) {
        precondition(v < 128)
        bytes.append(UInt8(v))
    }
    /// COMPACT_(NULLABLE_)STRING: unsigned varint length+1 (0 = null).
    mutating func compactString(_ s: String?) {
        guard let s else { return uvarint(0) }
        uvarint(s.utf8.count + 1)
        bytes += Array(s.utf8)
    }
    mutating func compactBytes(_ b: [UInt8]) {
        uvarint(b.count + 1)
        bytes += b
    }
    static func build(_ body: (inout SchemaBytes) -> Void) -> [UInt8] {
        var b = SchemaBytes()
        body(&b)
        return b.bytes
    }
}

extension ByteBuffer {
    var array: [UInt8] { Array(readableBytesView) }
}

@Suite("__consumer_offsets record schemas")
struct OffsetsTopicRecordTests {
    static let commitTime: Int64 = 1_700_000_000_000  // 0x0000_018B_CFE5_6800

    // MARK: Keys

    @Test func offsetCommitKeyIsVersion1GroupTopicPartition() throws {
        let key = OffsetsTopicKey.offsetCommit(group: "g1", topic: "orders", partition: 3)
        let golden: [UInt8] = [0x00, 0x01,                                  // version 1 = offset commit
                               0x00, 0x02, 0x67, 0x31,                      // "g1"
                               0x00, 0x06, 0x6F, 0x72, 0x64, 0x65, 0x72, 0x73, // "orders"
                               0x00, 0x00, 0x00, 0x03]                      // partition 3
        #expect(key.encoded().array == golden)
        #expect(try OffsetsTopicKey.decode(ByteBuffer(bytes: golden)) == key)
    }

    @Test func offsetCommitKeyVersion0ReadsAsTheSameKey() throws {
        let v0: [UInt8] = [0x00, 0x00, 0x00, 0x01, 0x67, 0x00, 0x01, 0x74, 0xFF, 0xFF, 0xFF, 0xFF]
        #expect(try OffsetsTopicKey.decode(ByteBuffer(bytes: v0)) == .offsetCommit(group: "g", topic: "t", partition: -1))
    }

    @Test func groupMetadataKeyIsVersion2Group() throws {
        let key = OffsetsTopicKey.groupMetadata(group: "grp")
        let golden: [UInt8] = [0x00, 0x02, 0x00, 0x03, 0x67, 0x72, 0x70]
        #expect(key.encoded().array == golden)
        #expect(try OffsetsTopicKey.decode(ByteBuffer(bytes: golden)) == key)
    }

    @Test func keysOfOtherRecordTypesAreReportedUnknown() {
        // Version 3 is KIP-848's ConsumerGroupMetadataKey.
        let v3: [UInt8] = [0x00, 0x03, 0x00, 0x01, 0x67]
        #expect(throws: OffsetsTopicRecordError.unknownKeyVersion(3)) { try OffsetsTopicKey.decode(ByteBuffer(bytes: v3)) }
    }

    @Test func truncatedKeyIsMalformed() {
        let cut: [UInt8] = [0x00, 0x01, 0x00, 0x05, 0x67]
        #expect(throws: OffsetsTopicRecordError.self) { try OffsetsTopicKey.decode(ByteBuffer(bytes: cut)) }
    }

    // MARK: OffsetCommitValue

    static func offsetCommitBytes(version: Int16) -> [UInt8] {
        SchemaBytes.build { b in
            b.int16(version)
            b.int64(42)                                    // offset
            if version >= 3 { b.int32(5) }                 // leaderEpoch
            if version >= 4 { b.compactString("meta") } else { b.string("meta") }
            b.int64(commitTime)                            // commitTimestamp
            if version == 1 { b.int64(commitTime + 1000) } // expireTimestamp
            if version >= 4 { b.uvarint(0) }               // no tagged fields
        }
    }

    @Test func offsetCommitValueIsWrittenAsVersion3() {
        let value = OffsetCommitValue(offset: 42, leaderEpoch: 5, metadata: "meta", commitTimestamp: Self.commitTime)
        #expect(value.preferredVersion == 3)
        let literal: [UInt8] = [0x00, 0x03,
                                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A,
                                0x00, 0x00, 0x00, 0x05,
                                0x00, 0x04, 0x6D, 0x65, 0x74, 0x61,
                                0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00]
        #expect(value.encoded().array == literal)
        #expect(Self.offsetCommitBytes(version: 3) == literal)
    }

    @Test func offsetCommitValueWithExpireTimestampIsWrittenAsVersion1() {
        let value = OffsetCommitValue(offset: 42, metadata: "meta", commitTimestamp: Self.commitTime,
                                      expireTimestamp: Self.commitTime + 1000)
        #expect(value.preferredVersion == 1)
        #expect(value.encoded().array == Self.offsetCommitBytes(version: 1))
    }

    @Test(arguments: Int16(0)...4)
    func offsetCommitValueEveryVersionReadsAndRoundTrips(version: Int16) throws {
        let bytes = Self.offsetCommitBytes(version: version)
        let value = try OffsetCommitValue.decode(ByteBuffer(bytes: bytes))
        #expect(value.offset == 42)
        #expect(value.metadata == "meta")
        #expect(value.commitTimestamp == Self.commitTime)
        #expect(value.leaderEpoch == (version >= 3 ? 5 : -1))
        #expect(value.expireTimestamp == (version == 1 ? Self.commitTime + 1000 : -1))
        #expect(value.encoded(version: version).array == bytes)
    }

    @Test func offsetCommitValueVersion4KeepsUnknownTaggedFields() throws {
        var bytes = Self.offsetCommitBytes(version: 4)
        bytes.removeLast()
        bytes += [0x01, 0x00, 0x02, 0xAB, 0xCD]  // one field: tag 0, two bytes
        let value = try OffsetCommitValue.decode(ByteBuffer(bytes: bytes))
        #expect(value.unknownTaggedFields[0]?.array == [0xAB, 0xCD])
        #expect(value.encoded(version: 4).array == bytes)
    }

    @Test func offsetCommitValueOfAnUnknownVersionIsRefused() {
        var bytes = Self.offsetCommitBytes(version: 4)
        bytes[1] = 5
        #expect(throws: OffsetsTopicRecordError.unsupportedValueVersion(schema: "OffsetCommitValue", version: 5)) {
            try OffsetCommitValue.decode(ByteBuffer(bytes: bytes))
        }
    }

    // MARK: GroupMetadataValue

    static let subscription: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x00, 0x00]
    static let assignment: [UInt8] = [0x00, 0x03]

    /// A group of two: a static member and a dynamic one (null groupInstanceId from v3 on).
    static func groupMetadataBytes(version: Int16) -> [UInt8] {
        let flexible = version >= 4
        return SchemaBytes.build { b in
            func string(_ s: String?) { if flexible { b.compactString(s) } else { b.string(s) } }
            func bytes(_ v: [UInt8]) { if flexible { b.compactBytes(v) } else { b.kafkaBytes(v) } }
            b.int16(version)
            string("consumer")                       // protocolType
            b.int32(7)                               // generation
            string("range")                          // protocol
            string("m-1")                            // leader
            if version >= 2 { b.int64(commitTime) }  // currentStateTimestamp
            if flexible { b.uvarint(3) } else { b.int32(2) }  // members
            for (memberId, instanceId) in [("m-1", "i-1"), ("m-2", nil)] as [(String, String?)] {
                string(memberId)
                if version >= 3 { string(instanceId) }
                string("client")
                string("/127.0.0.1")
                if version >= 1 { b.int32(30_000) }  // rebalanceTimeout
                b.int32(10_000)                      // sessionTimeout
                bytes(subscription)
                bytes(assignment)
                if flexible { b.uvarint(0) }
            }
            if flexible { b.uvarint(0) }
        }
    }

    static func expectedGroupMetadata(version: Int16) -> GroupMetadataValue {
        GroupMetadataValue(
            protocolType: "consumer", generation: 7, protocolName: "range", leader: "m-1",
            currentStateTimestamp: version >= 2 ? commitTime : -1,
            members: [("m-1", "i-1"), ("m-2", nil)].map { (memberId: String, instanceId: String?) in
                .init(memberId: memberId, groupInstanceId: version >= 3 ? instanceId : nil, clientId: "client",
                      clientHost: "/127.0.0.1", rebalanceTimeout: version >= 1 ? 30_000 : 10_000,
                      sessionTimeout: 10_000, subscription: subscription, assignment: assignment)
            })
    }

    @Test func groupMetadataValueIsWrittenAsVersion3() {
        let value = Self.expectedGroupMetadata(version: 3)
        #expect(value.encoded().array == Self.groupMetadataBytes(version: 3))
        #expect(value.encoded().array.prefix(2) == [0x00, 0x03])
    }

    @Test(arguments: Int16(0)...4)
    func groupMetadataValueEveryVersionReadsAndRoundTrips(version: Int16) throws {
        let bytes = Self.groupMetadataBytes(version: version)
        let value = try GroupMetadataValue.decode(ByteBuffer(bytes: bytes))
        #expect(value == Self.expectedGroupMetadata(version: version))
        #expect(value.encoded(version: version).array == bytes)
    }

    @Test func emptyGroupMetadataHasNullProtocolAndLeaderAndNoMembers() throws {
        // Kafka's newEmptyGroupMetadataRecord: protocolType "", generation 0, nulls, [].
        let golden = SchemaBytes.build { b in
            b.int16(3); b.string(""); b.int32(0); b.string(nil); b.string(nil); b.int64(Self.commitTime); b.int32(0)
        }
        let value = GroupMetadataValue(protocolType: "", generation: 0, protocolName: nil, leader: nil,
                                       currentStateTimestamp: Self.commitTime, members: [])
        #expect(value.encoded().array == golden)
        let snapshot = try GroupMetadataValue.decode(ByteBuffer(bytes: golden)).snapshot(groupId: "g")
        #expect(snapshot.protocolType == nil)
        #expect(snapshot.members.isEmpty)
        #expect(snapshot.currentStateTimestampMs == Self.commitTime)
    }

    @Test func version0MemberTakesItsSessionTimeoutAsRebalanceTimeout() throws {
        let value = try GroupMetadataValue.decode(ByteBuffer(bytes: Self.groupMetadataBytes(version: 0)))
        let snapshot = value.snapshot(groupId: "g")
        #expect(snapshot.members.map(\.rebalanceTimeoutMs) == [10_000, 10_000])
        #expect(snapshot.currentStateTimestampMs == nil)
    }

    @Test func snapshotRoundTripsThroughTheValue() {
        let snapshot = GroupSnapshot(
            groupId: "g", protocolType: "consumer", generationId: 3, protocolName: "range", leaderId: "a",
            currentStateTimestampMs: 5, members: [
                MemberSnapshot(memberId: "a", groupInstanceId: "ia", clientId: "c", clientHost: "h",
                               rebalanceTimeoutMs: 300, sessionTimeoutMs: 100, subscription: [1], assignment: [2]),
            ])
        #expect(GroupMetadataValue(snapshot).snapshot(groupId: "g") == snapshot)
    }

    @Test func truncatedGroupMetadataIsMalformed() {
        let bytes = Self.groupMetadataBytes(version: 3).dropLast(3)
        #expect(throws: OffsetsTopicRecordError.self) { try GroupMetadataValue.decode(ByteBuffer(bytes: Array(bytes))) }
    }
}
