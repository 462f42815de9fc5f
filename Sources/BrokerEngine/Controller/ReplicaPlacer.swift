/// Rack-unaware replica placement, Kafka's `AdminUtils.assignReplicasToBrokersRackUnaware`
/// (which KRaft's `StripedReplicaPlacer` generalises):
///
/// 1. the first replica of partition p is broker[(p + startIndex) % n], so leaders
///    (preferred replicas) go round the brokers and spread evenly;
/// 2. the other replicas follow the first at a shift of
///    1 + (replicaShift + j) % (n - 1), and replicaShift grows by one every n partitions,
///    so followers spread too and no pair of brokers shares every partition.
///
/// startIndex and the initial shift are random unless fixed, so that many small topics
/// do not all lead on the same broker. Pure functions; the caller supplies the randomness.
enum ReplicaPlacer {
    /// - Parameters:
    ///   - brokers: the candidate broker ids (sorted here).
    ///   - fixedStartIndex: used for both startIndex and shift when ≥ 0 (Kafka's
    ///     `fixedStartIndex`, as for CreatePartitions); else both come from `random`.
    ///   - startPartitionId: the first partition to place (existing partitions are skipped).
    /// - Returns: replicas per partition id, for `partitionCount` partitions.
    static func assign<G: RandomNumberGenerator>(
        partitionCount: Int, replicationFactor: Int, brokers: [Int32], fixedStartIndex: Int = -1,
        startPartitionId: Int = 0, random: inout G
    ) -> [Int32: [Int32]] {
        let sorted = brokers.sorted()
        let n = sorted.count
        precondition(n > 0 && replicationFactor > 0 && replicationFactor <= n, "validated by the caller")
        let startIndex = fixedStartIndex >= 0 ? fixedStartIndex : Int.random(in: 0..<n, using: &random)
        var shift = fixedStartIndex >= 0 ? fixedStartIndex : Int.random(in: 0..<n, using: &random)
        var result: [Int32: [Int32]] = [:]
        var partition = max(0, startPartitionId)
        for _ in 0..<partitionCount {
            if partition > 0 && partition % n == 0 { shift += 1 }
            let first = (partition + startIndex) % n
            var replicas = [sorted[first]]
            for j in 0..<(replicationFactor - 1) {
                replicas.append(sorted[(first + 1 + (shift + j) % (n - 1)) % n])
            }
            result[Int32(partition)] = replicas
            partition += 1
        }
        return result
    }
}

/// A seedable generator (SplitMix64) so tests get the same placements and topic ids every
/// run. Not for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
