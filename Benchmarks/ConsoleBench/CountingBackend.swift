import BrokerEngine
import Console
import Foundation
import LogStore

/// Forwards to another backend and counts, outside the code measured, the records the tail's
/// reads returned (what reaches the ring) and its reads. What it skipped while sampling is
/// what the producer wrote and the tail did not read (TailBench), which needs no bookkeeping
/// here: an earlier count of offsets jumped over came out higher than all that was produced.
final class CountingBackend: ClusterBackend, @unchecked Sendable {
    struct Totals {
        var received = 0
        var reads = 0
    }

    let inner: any ClusterBackend
    private let lock = NSLock()
    private var totals = Totals()

    init(_ inner: any ClusterBackend) { self.inner = inner }

    var current: Totals { lock.withLock { totals } }

    func readRecords(topic: String, from offsets: [Int32: Int64], maxBytes: Int, maxWaitMs: Int) async throws
        -> [Int32: PartitionRecords] {
        let read = try await inner.readRecords(topic: topic, from: offsets, maxBytes: maxBytes, maxWaitMs: maxWaitMs)
        lock.withLock {
            totals.reads += 1
            for result in read.values { totals.received += result.records.count }
        }
        return read
    }

    var name: String { inner.name }
    func snapshot() async throws -> ClusterSnapshot { try await inner.snapshot() }
    func segments(of partition: TopicPartition) async throws -> [SegmentInfo] { try await inner.segments(of: partition) }
    func describeConfigs(topic: String) async throws -> [ConfigEntry] { try await inner.describeConfigs(topic: topic) }
    func stopBroker(_ id: Int32, controlled: Bool) async throws { try await inner.stopBroker(id, controlled: controlled) }
    func startBroker(_ id: Int32) async throws { try await inner.startBroker(id) }
    func createTopic(_ topic: NewTopic) async throws { try await inner.createTopic(topic) }
    func deleteTopic(_ name: String) async throws { try await inner.deleteTopic(name) }
    func produce(_ record: ProduceRecord) async throws -> ProducedRecord { try await inner.produce(record) }
    func planOffsetReset(groupId: String, scope: OffsetResetScope, strategy: OffsetResetStrategy) async throws
        -> OffsetResetPlan { try await inner.planOffsetReset(groupId: groupId, scope: scope, strategy: strategy) }
    func executeOffsetReset(_ plan: OffsetResetPlan) async throws { try await inner.executeOffsetReset(plan) }
    func listOffsets(topic: String, partitions: [Int32], _ query: OffsetQuery) async throws -> [Int32: Int64] {
        try await inner.listOffsets(topic: topic, partitions: partitions, query)
    }
}
