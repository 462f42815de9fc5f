import KafkaProtocol
import NIOCore

/// The bytes a consumer puts in JoinGroup's protocol metadata and SyncGroup's
/// assignments (`ConsumerProtocolSubscription.json`, `ConsumerProtocolAssignment.json`;
/// non-flexible, int16-length strings, int32-count arrays). We write version 0 and read
/// any version by its version-0 prefix, as Kafka reads newer versions.
public enum ConsumerProtocol {
    /// `protocolType` of consumer groups.
    public static let protocolType = "consumer"

    /// version int16, topics [string], user_data nullable bytes.
    public static func encodeSubscription(topics: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(0))
        buffer.writeKafkaArray(topics) { b, topic in b.writeKafkaString(topic) }
        buffer.writeInteger(Int32(-1))
        return buffer
    }

    /// The topics of a subscription; nil when the bytes are not one.
    public static func decodeSubscription(_ bytes: ByteBuffer) -> [String]? {
        var buffer = bytes
        guard let version = buffer.readInteger(as: Int16.self), version >= 0 else { return nil }
        return try? buffer.readKafkaArray({ (b: inout ByteBuffer) throws(KafkaDecodingError) -> String? in b.readKafkaString() })
    }

    /// version int16, assigned_partitions [topic string, partitions [int32]], user_data nullable bytes.
    public static func encodeAssignment(_ partitions: [TopicAndPartition]) -> ByteBuffer {
        var byTopic: [String: [Int32]] = [:]
        for partition in partitions { byTopic[partition.topic, default: []].append(partition.partition) }
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(0))
        buffer.writeKafkaArray(byTopic.sorted { $0.key < $1.key }) { b, entry in
            b.writeKafkaString(entry.key) + b.writeKafkaArray(entry.value.sorted()) { b, partition in b.writeInteger(partition) }
        }
        buffer.writeInteger(Int32(-1))
        return buffer
    }

    /// The partitions of an assignment; nil when the bytes are not one. Empty bytes (a
    /// member the leader gave nothing) are an empty assignment.
    public static func decodeAssignment(_ bytes: ByteBuffer) -> [TopicAndPartition]? {
        var buffer = bytes
        guard buffer.readableBytes > 0 else { return [] }
        guard let version = buffer.readInteger(as: Int16.self), version >= 0 else { return nil }
        let topics = try? buffer.readKafkaArray({ (b: inout ByteBuffer) throws(KafkaDecodingError) -> [TopicAndPartition]? in
            guard let topic = b.readKafkaString() else { return nil }
            let partitions = try b.readKafkaArray({ (p: inout ByteBuffer) throws(KafkaDecodingError) -> Int32? in p.readInteger(as: Int32.self) })
            return partitions?.map { TopicAndPartition(topic, $0) }
        })
        return topics.map { $0.flatMap { $0 }.sorted() }
    }
}

/// Kafka's `RangeAssignor`: per topic, the members subscribed to it sorted by member id,
/// each taking a contiguous range; the first `partitions % members` take one extra.
public enum RangeAssignor {
    public static let name = "range"

    public static func assign(subscriptions: [String: [String]], partitionCounts: [String: Int]) -> [String: [TopicAndPartition]] {
        var assignment: [String: [TopicAndPartition]] = Dictionary(uniqueKeysWithValues: subscriptions.keys.map { ($0, []) })
        var membersByTopic: [String: [String]] = [:]
        for (member, topics) in subscriptions {
            for topic in Set(topics) { membersByTopic[topic, default: []].append(member) }
        }
        for (topic, unsortedMembers) in membersByTopic {
            guard let count = partitionCounts[topic], count > 0 else { continue }
            let members = unsortedMembers.sorted()
            let perMember = count / members.count, extra = count % members.count
            for (i, member) in members.enumerated() {
                let start = perMember * i + min(i, extra)
                let length = perMember + (i < extra ? 1 : 0)
                assignment[member, default: []] += (start..<start + length).map { TopicAndPartition(topic, Int32($0)) }
            }
        }
        return assignment.mapValues { $0.sorted() }
    }
}
