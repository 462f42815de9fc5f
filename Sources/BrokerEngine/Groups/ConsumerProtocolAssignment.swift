import LogStore

/// The assignment a Kafka consumer group's leader hands each member in SyncGroup, decoded by
/// hand (`ConsumerProtocolAssignment.json`, non-flexible, versions 0-3, one layout for all):
///
///     version              int16
///     assigned_partitions  int32 count of (topic: int16-length string, partitions: int32 count of int32)
///     user_data            nullable bytes (int32 length, -1 = null)
///
/// The coordinator never needs it (assignments are opaque to a classic coordinator); the
/// console does, to show which partitions each member consumes. As with the subscription, a
/// newer version is read with this layout (Kafka promises only to append fields), and bytes
/// that end right after the partitions are accepted.
public struct ConsumerProtocolAssignment: Hashable, Sendable {
    public var version: Int16
    /// In the order the leader wrote them (topics in its order, partitions in theirs).
    public var partitions: [TopicPartition]
    public var userData: [UInt8]?

    /// Returns nil when the bytes are not a valid assignment.
    public init?(decoding bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        guard let version = reader.readInt16(), version >= 0,
              let topics = reader.readArray({ r -> [TopicPartition]? in
                  guard let topic = r.readString(), let partitions = r.readArray({ $0.readInt32() }) else { return nil }
                  return partitions.map { TopicPartition(topic, $0) }
              })
        else { return nil }
        self.version = version
        self.partitions = topics.flatMap { $0 }
        if reader.isAtEnd {
            userData = nil
        } else {
            guard let userData = reader.readNullableBytes() else { return nil }
            self.userData = userData
        }
    }
}
