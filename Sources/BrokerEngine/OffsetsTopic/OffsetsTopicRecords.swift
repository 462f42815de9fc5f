import KafkaProtocol
import NIOCore

// The records of `__consumer_offsets`, byte-compatible with Kafka so that
// `kafka-dump-log.sh --offsets-decoder` reads our partitions and theirs read ours.
//
// Every key and every value starts with an int16 version. For keys the version doubles as
// the record type (Kafka's `CoordinatorRecordType`, `GroupCoordinatorRecordSerde`):
//   0, 1  OffsetCommitKey     group STRING, topic STRING, partition INT32
//   2     GroupMetadataKey    group STRING
// Higher key versions are the KIP-848 consumer/share/streams group records, which the
// classic coordinator neither writes nor needs; replay skips them.
//
// Values follow `group-coordinator/src/main/resources/common/message/OffsetCommitValue.json`
// and `GroupMetadataValue.json` (versions 0–4, version 4 flexible: compact strings, arrays
// and bytes, and a tagged-field section after every struct). What Kafka 3.x/4.x writes,
// and so what we write (`GroupCoordinatorRecordHelpers`):
// - OffsetCommitValue v3 ("the highest supported non-flexible version until a tagged
//   field is introduced"), or v1 when the commit carries an explicit expire timestamp
//   (OffsetCommit v1's retention, which our coordinator does not support);
// - GroupMetadataValue v3 (`GROUP_METADATA_VALUE_VERSION = 3`).
// Every version is read. A tombstone is a record whose value is null.

/// A record key of `__consumer_offsets`.
public enum OffsetsTopicKey: Hashable, Sendable {
    /// `OffsetCommitKey`: one committed offset of one group.
    case offsetCommit(group: String, topic: String, partition: Int32)
    /// `GroupMetadataKey`: a classic group's metadata.
    case groupMetadata(group: String)

    /// The key version Kafka writes for an offset commit (`CoordinatorRecordType.OFFSET_COMMIT`);
    /// version 0 is the same layout, written by brokers before 0.10.
    public static let offsetCommitVersion: Int16 = 1
    /// `CoordinatorRecordType.GROUP_METADATA`.
    public static let groupMetadataVersion: Int16 = 2

    /// The group the record belongs to, which also picks its partition.
    public var group: String {
        switch self {
        case .offsetCommit(let group, _, _), .groupMetadata(let group): group
        }
    }

    /// The key bytes: int16 version, then the fields as non-flexible STRING/INT32.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        switch self {
        case .offsetCommit(let group, let topic, let partition):
            buffer.writeKafkaInteger(Self.offsetCommitVersion)
            buffer.writeKafkaString(group)
            buffer.writeKafkaString(topic)
            buffer.writeKafkaInteger(partition)
        case .groupMetadata(let group):
            buffer.writeKafkaInteger(Self.groupMetadataVersion)
            buffer.writeKafkaString(group)
        }
        return buffer
    }

    /// Decodes a key; `unknownKeyVersion` for record types the classic coordinator does not
    /// know (Kafka's loader logs and skips those too).
    public static func decode(_ bytes: ByteBuffer) throws(OffsetsTopicRecordError) -> OffsetsTopicKey {
        var buffer = bytes
        let version = try field(buffer.readKafkaInteger(as: Int16.self), "key version")
        switch version {
        case 0, 1:
            let group = try field(buffer.readKafkaString(), "OffsetCommitKey.group")
            let topic = try field(buffer.readKafkaString(), "OffsetCommitKey.topic")
            let partition = try field(buffer.readKafkaInteger(as: Int32.self), "OffsetCommitKey.partition")
            return .offsetCommit(group: group, topic: topic, partition: partition)
        case 2:
            return .groupMetadata(group: try field(buffer.readKafkaString(), "GroupMetadataKey.group"))
        default:
            throw .unknownKeyVersion(version)
        }
    }
}

/// Why a `__consumer_offsets` record could not be decoded.
public enum OffsetsTopicRecordError: Error, Hashable, Sendable {
    /// A key version that is not an offset commit or group metadata key (e.g. a KIP-848
    /// consumer group record); replay skips such records.
    case unknownKeyVersion(Int16)
    /// A value version outside the schema's valid versions (0–4).
    case unsupportedValueVersion(schema: String, version: Int16)
    /// A field is missing, cut short or invalid (a null where the schema forbids one).
    case malformed(field: String)
}

/// Unwraps a primitive read (nil = short or malformed, as the ByteBuffer contract says).
@inline(__always)
func field<T>(_ value: T?, _ name: @autoclosure () -> String) throws(OffsetsTopicRecordError) -> T {
    guard let value else { throw .malformed(field: name()) }
    return value
}

// MARK: - OffsetCommitValue

/// `OffsetCommitValue`: a committed offset as stored.
public struct OffsetCommitValue: Hashable, Sendable {
    public static let validVersions: ClosedRange<Int16> = 0...4
    /// What Kafka writes when there is no expire timestamp.
    public static let defaultVersion: Int16 = 3

    public var offset: Int64
    /// v3+; -1 (Kafka's `NO_PARTITION_LEADER_EPOCH`) when unknown.
    public var leaderEpoch: Int32
    public var metadata: String
    public var commitTimestamp: Int64
    /// v1 only; -1 otherwise (KIP-211 made expiry a broker-side decision).
    public var expireTimestamp: Int64
    /// v4+: tagged fields kept raw so a record survives a decode/encode round trip.
    public var unknownTaggedFields: TaggedFields

    public init(offset: Int64, leaderEpoch: Int32 = -1, metadata: String, commitTimestamp: Int64,
                expireTimestamp: Int64 = -1, unknownTaggedFields: TaggedFields = TaggedFields()) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestamp = commitTimestamp
        self.expireTimestamp = expireTimestamp
        self.unknownTaggedFields = unknownTaggedFields
    }

    /// The version Kafka's `GroupCoordinatorRecordHelpers.offsetCommitValueVersion` picks.
    public var preferredVersion: Int16 { expireTimestamp >= 0 ? 1 : Self.defaultVersion }

    /// The value bytes: int16 version, then the fields of that version.
    public func encoded(version: Int16? = nil) -> ByteBuffer {
        let version = version ?? preferredVersion
        precondition(Self.validVersions.contains(version), "OffsetCommitValue v\(version) does not exist")
        var buffer = ByteBuffer()
        buffer.writeKafkaInteger(version)
        buffer.writeKafkaInteger(offset)
        if version >= 3 { buffer.writeKafkaInteger(leaderEpoch) }
        if version >= 4 { buffer.writeCompactString(metadata) } else { buffer.writeKafkaString(metadata) }
        buffer.writeKafkaInteger(commitTimestamp)
        if version == 1 { buffer.writeKafkaInteger(expireTimestamp) }
        if version >= 4 { buffer.writeTaggedFields(unknownTaggedFields) }
        return buffer
    }

    public static func decode(_ bytes: ByteBuffer) throws(OffsetsTopicRecordError) -> OffsetCommitValue {
        var buffer = bytes
        let version = try field(buffer.readKafkaInteger(as: Int16.self), "OffsetCommitValue version")
        guard validVersions.contains(version) else {
            throw .unsupportedValueVersion(schema: "OffsetCommitValue", version: version)
        }
        let flexible = version >= 4
        let offset = try field(buffer.readKafkaInteger(as: Int64.self), "OffsetCommitValue.offset")
        let leaderEpoch = version >= 3 ? try field(buffer.readKafkaInteger(as: Int32.self), "OffsetCommitValue.leaderEpoch") : -1
        let metadata = try field(flexible ? buffer.readCompactString() : buffer.readKafkaString(), "OffsetCommitValue.metadata")
        let commitTimestamp = try field(buffer.readKafkaInteger(as: Int64.self), "OffsetCommitValue.commitTimestamp")
        let expireTimestamp = version == 1
            ? try field(buffer.readKafkaInteger(as: Int64.self), "OffsetCommitValue.expireTimestamp") : -1
        let tagged = flexible ? try field(buffer.readTaggedFields(), "OffsetCommitValue tagged fields") : TaggedFields()
        return OffsetCommitValue(offset: offset, leaderEpoch: leaderEpoch, metadata: metadata,
                                 commitTimestamp: commitTimestamp, expireTimestamp: expireTimestamp,
                                 unknownTaggedFields: tagged)
    }
}

// MARK: - GroupMetadataValue

/// `GroupMetadataValue`: a classic group's metadata as stored after each rebalance.
public struct GroupMetadataValue: Hashable, Sendable {
    public static let validVersions: ClosedRange<Int16> = 0...4
    /// `GroupCoordinatorRecordHelpers.GROUP_METADATA_VALUE_VERSION`.
    public static let defaultVersion: Int16 = 3

    /// Not nullable in the schema: Kafka writes "" for a group without one.
    public var protocolType: String
    public var generation: Int32
    public var protocolName: String?
    public var leader: String?
    /// v2+; -1 when absent.
    public var currentStateTimestamp: Int64
    public var members: [MemberMetadata]
    public var unknownTaggedFields: TaggedFields

    public init(protocolType: String, generation: Int32, protocolName: String?, leader: String?,
                currentStateTimestamp: Int64 = -1, members: [MemberMetadata],
                unknownTaggedFields: TaggedFields = TaggedFields()) {
        self.protocolType = protocolType
        self.generation = generation
        self.protocolName = protocolName
        self.leader = leader
        self.currentStateTimestamp = currentStateTimestamp
        self.members = members
        self.unknownTaggedFields = unknownTaggedFields
    }

    /// `GroupMetadataValue.MemberMetadata`.
    public struct MemberMetadata: Hashable, Sendable {
        public var memberId: String
        /// v3+ (KIP-345 static membership).
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        /// v1+. A v0 member reads its session timeout here, as Kafka's loader did
        /// (`GroupMetadataManager.readGroupMessageValue`: "if (version == 0) sessionTimeout").
        public var rebalanceTimeout: Int32
        public var sessionTimeout: Int32
        public var subscription: [UInt8]
        public var assignment: [UInt8]
        public var unknownTaggedFields: TaggedFields

        public init(memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
                    rebalanceTimeout: Int32, sessionTimeout: Int32, subscription: [UInt8], assignment: [UInt8],
                    unknownTaggedFields: TaggedFields = TaggedFields()) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.rebalanceTimeout = rebalanceTimeout
            self.sessionTimeout = sessionTimeout
            self.subscription = subscription
            self.assignment = assignment
            self.unknownTaggedFields = unknownTaggedFields
        }
    }

    public func encoded(version: Int16 = GroupMetadataValue.defaultVersion) -> ByteBuffer {
        precondition(Self.validVersions.contains(version), "GroupMetadataValue v\(version) does not exist")
        let flexible = version >= 4
        var buffer = ByteBuffer()
        func string(_ value: String, _ buffer: inout ByteBuffer) {
            if flexible { buffer.writeCompactString(value) } else { buffer.writeKafkaString(value) }
        }
        func nullableString(_ value: String?, _ buffer: inout ByteBuffer) {
            if flexible { buffer.writeCompactNullableString(value) } else { buffer.writeKafkaNullableString(value) }
        }
        func bytes(_ value: [UInt8], _ buffer: inout ByteBuffer) {
            let slice = ByteBuffer(bytes: value)
            if flexible { buffer.writeCompactBytes(slice) } else { buffer.writeKafkaBytes(slice) }
        }
        buffer.writeKafkaInteger(version)
        string(protocolType, &buffer)
        buffer.writeKafkaInteger(generation)
        nullableString(protocolName, &buffer)
        nullableString(leader, &buffer)
        if version >= 2 { buffer.writeKafkaInteger(currentStateTimestamp) }
        let writeMember = { (buffer: inout ByteBuffer, member: MemberMetadata) -> Int in
            let start = buffer.writerIndex
            string(member.memberId, &buffer)
            if version >= 3 { nullableString(member.groupInstanceId, &buffer) }
            string(member.clientId, &buffer)
            string(member.clientHost, &buffer)
            if version >= 1 { buffer.writeKafkaInteger(member.rebalanceTimeout) }
            buffer.writeKafkaInteger(member.sessionTimeout)
            bytes(member.subscription, &buffer)
            bytes(member.assignment, &buffer)
            if flexible { buffer.writeTaggedFields(member.unknownTaggedFields) }
            return buffer.writerIndex - start
        }
        if flexible { buffer.writeCompactArray(members, writeMember) } else { buffer.writeKafkaArray(members, writeMember) }
        if flexible { buffer.writeTaggedFields(unknownTaggedFields) }
        return buffer
    }

    public static func decode(_ bytes: ByteBuffer) throws(OffsetsTopicRecordError) -> GroupMetadataValue {
        var buffer = bytes
        let version = try field(buffer.readKafkaInteger(as: Int16.self), "GroupMetadataValue version")
        guard validVersions.contains(version) else {
            throw .unsupportedValueVersion(schema: "GroupMetadataValue", version: version)
        }
        let flexible = version >= 4
        func string(_ buffer: inout ByteBuffer, _ name: String) throws(OffsetsTopicRecordError) -> String {
            try field(flexible ? buffer.readCompactString() : buffer.readKafkaString(), name)
        }
        func nullableString(_ buffer: inout ByteBuffer, _ name: String) throws(OffsetsTopicRecordError) -> String? {
            try field(flexible ? buffer.readCompactNullableString() : buffer.readKafkaNullableString(), name)
        }
        func readBytes(_ buffer: inout ByteBuffer, _ name: String) throws(OffsetsTopicRecordError) -> [UInt8] {
            let slice = try field(flexible ? buffer.readCompactBytes() : buffer.readKafkaBytes(), name)
            return Array(slice.readableBytesView)
        }
        let protocolType = try string(&buffer, "GroupMetadataValue.protocolType")
        let generation = try field(buffer.readKafkaInteger(as: Int32.self), "GroupMetadataValue.generation")
        let protocolName = try nullableString(&buffer, "GroupMetadataValue.protocol")
        let leader = try nullableString(&buffer, "GroupMetadataValue.leader")
        let currentStateTimestamp = version >= 2
            ? try field(buffer.readKafkaInteger(as: Int64.self), "GroupMetadataValue.currentStateTimestamp") : -1
        let readMember = { (buffer: inout ByteBuffer) throws(OffsetsTopicRecordError) -> MemberMetadata? in
            let memberId = try string(&buffer, "MemberMetadata.memberId")
            let groupInstanceId = version >= 3 ? try nullableString(&buffer, "MemberMetadata.groupInstanceId") : nil
            let clientId = try string(&buffer, "MemberMetadata.clientId")
            let clientHost = try string(&buffer, "MemberMetadata.clientHost")
            let rebalanceTimeout = version >= 1
                ? try field(buffer.readKafkaInteger(as: Int32.self), "MemberMetadata.rebalanceTimeout") : nil
            let sessionTimeout = try field(buffer.readKafkaInteger(as: Int32.self), "MemberMetadata.sessionTimeout")
            let subscription = try readBytes(&buffer, "MemberMetadata.subscription")
            let assignment = try readBytes(&buffer, "MemberMetadata.assignment")
            let tagged = flexible ? try field(buffer.readTaggedFields(), "MemberMetadata tagged fields") : TaggedFields()
            return MemberMetadata(memberId: memberId, groupInstanceId: groupInstanceId, clientId: clientId,
                                  clientHost: clientHost, rebalanceTimeout: rebalanceTimeout ?? sessionTimeout,
                                  sessionTimeout: sessionTimeout, subscription: subscription,
                                  assignment: assignment, unknownTaggedFields: tagged)
        }
        let members = try field(flexible ? try buffer.readCompactArray(readMember) : try buffer.readKafkaArray(readMember),
                               "GroupMetadataValue.members")
        let tagged = flexible ? try field(buffer.readTaggedFields(), "GroupMetadataValue tagged fields") : TaggedFields()
        return GroupMetadataValue(protocolType: protocolType, generation: generation, protocolName: protocolName,
                                  leader: leader, currentStateTimestamp: currentStateTimestamp, members: members,
                                  unknownTaggedFields: tagged)
    }
}

// MARK: - Conversions to and from the coordinator's types

extension OffsetCommitValue {
    init(_ committed: CommittedOffset) {
        self.init(offset: committed.offset, leaderEpoch: committed.leaderEpoch ?? -1, metadata: committed.metadata,
                  commitTimestamp: committed.commitTimestampMs)
    }

    var committedOffset: CommittedOffset {
        CommittedOffset(offset: offset, leaderEpoch: leaderEpoch >= 0 ? leaderEpoch : nil, metadata: metadata,
                        commitTimestampMs: commitTimestamp)
    }
}

extension GroupMetadataValue {
    /// As Kafka's `newGroupMetadataRecord`: a missing protocol type is written as "".
    init(_ snapshot: GroupSnapshot) {
        self.init(
            protocolType: snapshot.protocolType ?? "", generation: snapshot.generationId,
            protocolName: snapshot.protocolName, leader: snapshot.leaderId,
            currentStateTimestamp: snapshot.currentStateTimestampMs ?? -1,
            members: snapshot.members.map {
                MemberMetadata(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId,
                               clientHost: $0.clientHost, rebalanceTimeout: $0.rebalanceTimeoutMs,
                               sessionTimeout: $0.sessionTimeoutMs, subscription: $0.subscription,
                               assignment: $0.assignment)
            })
    }

    /// As Kafka's loader (`GroupMetadataManager.readGroupMessageValue`, `ClassicGroup.fromRecord`):
    /// an empty protocol type means none and a -1 timestamp means none.
    func snapshot(groupId: String) -> GroupSnapshot {
        GroupSnapshot(
            groupId: groupId, protocolType: protocolType.isEmpty ? nil : protocolType, generationId: generation,
            protocolName: protocolName, leaderId: leader,
            currentStateTimestampMs: currentStateTimestamp >= 0 ? currentStateTimestamp : nil,
            members: members.map {
                MemberSnapshot(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId,
                               clientHost: $0.clientHost,
                               rebalanceTimeoutMs: $0.rebalanceTimeout,
                               sessionTimeoutMs: $0.sessionTimeout, subscription: $0.subscription,
                               assignment: $0.assignment)
            })
    }
}
