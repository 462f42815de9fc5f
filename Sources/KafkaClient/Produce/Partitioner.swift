/// How records without an explicit partition are spread.
public enum PartitionerKind: Sendable, Hashable {
    /// Java's default: a keyed record goes to `murmur2(key) & 0x7fffffff % partitions`;
    /// records without a key stick to one partition per produce call, the next call
    /// moving on (KIP-480's sticky partitioner).
    case `default`
    /// Every record without a key to the next partition in turn; keyed records as `default`.
    case roundRobin
}

/// Kafka's partitioning hash (`org.apache.kafka.common.utils.Utils.murmur2`), so keys
/// land on the same partitions as with Java producers.
public enum Murmur2 {
    public static func hash(_ data: [UInt8]) -> Int32 {
        let length = data.count
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h = seed ^ UInt32(truncatingIfNeeded: length)
        let length4 = length / 4
        for i in 0..<length4 {
            let i4 = i * 4
            var k = UInt32(data[i4]) | UInt32(data[i4 + 1]) << 8 | UInt32(data[i4 + 2]) << 16 | UInt32(data[i4 + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = length & ~3
        switch length % 4 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// The partition Java's default partitioner picks for `key`.
    public static func partition(forKey key: [UInt8], partitionCount: Int) -> Int32 {
        Int32((Int(hash(key)) & 0x7fff_ffff) % partitionCount)
    }
}
