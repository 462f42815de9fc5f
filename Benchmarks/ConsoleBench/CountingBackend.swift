import BrokerEngine
import Console
import Foundation
import LogStore

/// Forwards to another backend and counts, outside the code measured, what the tail does
/// with the topic: records its reads returned (what reaches the ring) and offsets it never
/// read because it skipped ahead (sampling). A skip shows up as a read starting past where
/// the partition's previous read ended, so the count needs nothing from the session itself.
final class CountingBackend: ClusterBackend, @unchecked Sendable {
    struct Totals {
        var received = 0
        var skipped = 0
        var reads = 0
    }

    let inner: any ClusterBackend
    private let lock = NSLock()
    private var totals = Totals()
    /// Per partition: where the last read that returned it ended.
    private var readUpTo: [Int32: Int64] = [:]

    init(_ inner: any ClusterBackend) { self.inner = inner }

    var current: Totals { lock.withLock { totals } }

    func readRecords(topic: String, from offsets: [Int32: Int64], maxBytes: Int, maxWaitMs: Int) async throws
        -> [Int32: PartitionRecords] {
        lock.withLock {
            for (p, offset) in offsets {
                if let end = readUpTo[p], offset > end { totals.skipped += Int(offset - end) }
                // A jump backwards (a restart) is a new start, not a skip.
                if let end = readUpTo[p], offset < end { readUpTo[p] = offset }
            }
        }
        let read = try await inner.readRecords(topic: topic, from: offsets, maxBytes: maxBytes, maxWaitMs: maxWaitMs)
        lock.withLock {
            totals.reads += 1
            for (p, result) in read {
                totals.received += result.records.count
                readUpTo[p] = max(readUpTo[p] ?? result.nextOffset, result.nextOffset)
            }
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
