import BrokerEngine
import Console
import LogStore

/// Synthetic cluster snapshots for the render benchmark: deterministic values, three
/// brokers, replication factor 3, leaders spread round-robin, some partitions
/// under-replicated so the ISR column shows `!id` marks as in a real failover.
enum SyntheticCluster {
    static let brokerIds: [Int32] = [1, 2, 3]

    /// `topics` topics named `topic-000…` with `partitionsPerTopic` partitions each.
    /// `generation` shifts offsets and sizes (and moves a few leaders), so successive
    /// snapshots differ the way the console's 4-a-second snapshots do.
    static func snapshot(topics: Int, partitionsPerTopic: Int, generation: Int = 0, takenAtMs: Int64) -> ClusterSnapshot {
        let width = String(topics - 1).count
        let topicSnapshots = (0..<topics).map { index in
            let number = String(index)
            let name = "topic-" + String(repeating: "0", count: max(0, width - number.count)) + number
            return topic(name: name, index: index, partitions: partitionsPerTopic, generation: generation)
        }
        let brokers = brokerIds.map { id in
            BrokerSnapshot(id: id, state: .up, leaderCount: topics * partitionsPerTopic / brokerIds.count,
                           replicaCount: topics * partitionsPerTopic, bytesOnDisk: 1 << 30, rates: rates(Double(1_000 + generation)))
        }
        return ClusterSnapshot(takenAtMs: takenAtMs, clusterId: "bench", brokers: brokers, topics: topicSnapshots,
                               groups: [], rates: rates(50_000), rateHistory: (0..<60).map { rates(Double(40_000 + $0 * 100)) })
    }

    static func topic(name: String, index: Int, partitions count: Int, generation: Int) -> TopicSnapshot {
        let partitions = (0..<count).map { p in
            let replicas = (0..<3).map { brokerIds[(p + index + $0) % brokerIds.count] }
            // Every 7th partition has lost its last follower from the ISR.
            let isr = p % 7 == 0 ? Array(replicas.prefix(2)) : replicas
            // A few leaders move between generations (the view flashes moved leaders).
            let leader = (p + generation) % 97 == 0 ? replicas[1] : replicas[0]
            let start = Int64(p % 5) * 1_000
            let highWatermark = start + Int64(10_000 + p * 37 + generation * 11)
            return PartitionSnapshot(partition: Int32(p), leader: leader, leaderEpoch: Int32(generation % 4 + p % 3),
                                     replicas: replicas, isr: isr, logStartOffset: start, highWatermark: highWatermark,
                                     logEndOffset: highWatermark + Int64(p % 3), sizeBytes: Int(highWatermark) * 120,
                                     segmentCount: 1 + p % 4)
        }
        return TopicSnapshot(name: name, id: "id-\(name)", partitions: partitions, configOverrides: [:],
                             rates: rates(Double(100 + index + generation)),
                             rateHistory: (0..<60).map { rates(Double(index * 10 + $0)) })
    }

    static func rates(_ recordsIn: Double) -> TrafficMeter.Rates {
        var rates = TrafficMeter.Rates()
        rates.recordsInPerSecond = recordsIn
        rates.bytesInPerSecond = recordsIn * 100
        rates.recordsOutPerSecond = recordsIn * 0.9
        rates.bytesOutPerSecond = recordsIn * 90
        return rates
    }
}

/// A backend that only ever returns its one snapshot; the benchmark hands snapshots to the
/// app directly (`apply(.snapshot)`), so nothing here runs while frames are timed.
struct StaticBackend: ClusterBackend {
    let current: ClusterSnapshot
    var name: String { "bench" }
    func snapshot() async throws -> ClusterSnapshot { current }
    func segments(of partition: TopicPartition) async throws -> [SegmentInfo] { [] }
    func describeConfigs(topic: String) async throws -> [ConfigEntry] { [] }
    func stopBroker(_ id: Int32, controlled: Bool) async throws {}
    func startBroker(_ id: Int32) async throws {}
    func createTopic(_ topic: NewTopic) async throws {}
    func deleteTopic(_ name: String) async throws {}
    // The render benchmark never opens a dialog; these say so if one ever did.
    func produce(_ record: ProduceRecord) async throws -> ProducedRecord { throw BackendError("not in the benchmark") }
    func planOffsetReset(groupId: String, scope: OffsetResetScope, strategy: OffsetResetStrategy) async throws
        -> OffsetResetPlan { throw BackendError("not in the benchmark") }
    func executeOffsetReset(_ plan: OffsetResetPlan) async throws { throw BackendError("not in the benchmark") }
    func readRecords(topic: String, from offsets: [Int32: Int64], maxBytes: Int, maxWaitMs: Int) async throws
        -> [Int32: PartitionRecords] { throw BackendError("not in the benchmark") }
    func listOffsets(topic: String, partitions: [Int32], _ query: OffsetQuery) async throws -> [Int32: Int64] {
        throw BackendError("not in the benchmark")
    }
}
