/// Which `__consumer_offsets` partition holds a group, exactly as Kafka computes it, so a
/// group lands in the same partition here as on a Kafka broker with the same partition count
/// (and tools that compute the coordinator partition agree with us).
///
/// Kafka: `Utils.abs(groupId.hashCode) % groupMetadataTopicPartitionCount`
/// (`GroupMetadataManager.partitionFor`, `GroupCoordinatorShard`'s `partitionFor`).
public enum OffsetsTopicPartitioner {
    /// Java's `String.hashCode()`: `s[0]*31^(n-1) + s[1]*31^(n-2) + … + s[n-1]` over the
    /// string's UTF-16 code units, in `int` arithmetic (wrapping on overflow).
    public static func javaStringHashCode(_ string: String) -> Int32 {
        var hash: Int32 = 0
        for unit in string.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return hash
    }

    /// Kafka's `Utils.abs`: `n & 0x7fffffff`, not `Math.abs`, so `Int32.min` maps to 0 rather
    /// than staying negative.
    public static func kafkaAbs(_ value: Int32) -> Int32 { value & 0x7fff_ffff }

    /// The partition (0..<partitionCount) of `groupId`.
    public static func partition(for groupId: String, partitionCount: Int32) -> Int32 {
        precondition(partitionCount > 0, "offsets.topic.num.partitions must be positive")
        return kafkaAbs(javaStringHashCode(groupId)) % partitionCount
    }
}
