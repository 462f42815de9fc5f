@testable import BrokerEngine
import Console
import Foundation
import LogStore

/// A backend that records what the console asked for and answers from fixtures.
final class FakeBackend: ClusterBackend, @unchecked Sendable {
    enum Call: Equatable {
        case stopBroker(Int32, controlled: Bool)
        case startBroker(Int32)
        case createTopic(String, partitions: Int32, replicationFactor: Int16)
        case deleteTopic(String)
        case segments(TopicPartition)
        case configs(String)
        case produce(ProduceRecord)
        case planOffsetReset(String, OffsetResetScope, OffsetResetStrategy)
        case executeOffsetReset(OffsetResetPlan)
        case listOffsets(String, OffsetQuery)
    }

    var name: String { "fake" }
    private let lock = NSLock()
    private var recorded: [Call] = []
    private let current: ClusterSnapshot
    var failure: BackendError?
    /// What `planOffsetReset` answers (nil: one row per partition of orders, 0 → 10).
    var plan: OffsetResetPlan?
    /// What `readRecords` serves, by partition (offsets in order); empty by default.
    private var stored: [Int32: [ConsumedRecord]] = [:]

    init(snapshot: ClusterSnapshot = Fixtures.snapshot()) {
        current = snapshot
    }

    var calls: [Call] { lock.withLock { recorded } }

    private func record(_ call: Call) throws {
        try lock.withLock {
            recorded.append(call)
            if let failure { throw failure }
        }
    }

    func snapshot() async throws -> ClusterSnapshot { current }

    func segments(of partition: TopicPartition) async throws -> [SegmentInfo] {
        try record(.segments(partition))
        return Fixtures.segments()
    }

    func describeConfigs(topic: String) async throws -> [ConfigEntry] {
        try record(.configs(topic))
        return Fixtures.configs()
    }

    func stopBroker(_ id: Int32, controlled: Bool) async throws { try record(.stopBroker(id, controlled: controlled)) }
    func startBroker(_ id: Int32) async throws { try record(.startBroker(id)) }
    func createTopic(_ topic: NewTopic) async throws {
        try record(.createTopic(topic.name, partitions: topic.numPartitions, replicationFactor: topic.replicationFactor))
    }
    func deleteTopic(_ name: String) async throws { try record(.deleteTopic(name)) }

    func produce(_ request: ProduceRecord) async throws -> ProducedRecord {
        try record(.produce(request))
        return ProducedRecord(topicPartition: TopicPartition(request.topic, request.partition ?? 2), offset: 1234)
    }

    func planOffsetReset(groupId: String, scope: OffsetResetScope, strategy: OffsetResetStrategy) async throws
        -> OffsetResetPlan {
        try record(.planOffsetReset(groupId, scope, strategy))
        return plan ?? OffsetResetPlan(groupId: groupId, groupState: .empty, rows: (0..<3).map {
            OffsetResetRow(topicPartition: TopicPartition("orders", $0), currentOffset: 10, newOffset: 0)
        })
    }

    func executeOffsetReset(_ plan: OffsetResetPlan) async throws { try record(.executeOffsetReset(plan)) }

    // MARK: Records

    func store(_ records: [ConsumedRecord]) {
        lock.withLock { for record in records { stored[record.partition, default: []].append(record) } }
    }

    func readRecords(topic: String, from offsets: [Int32: Int64], maxBytes: Int, maxWaitMs: Int) async throws
        -> [Int32: PartitionRecords] {
        let answer = lock.withLock { () -> [Int32: PartitionRecords] in
            var answer: [Int32: PartitionRecords] = [:]
            for (partition, offset) in offsets {
                let records = (stored[partition] ?? []).filter { $0.offset >= offset }
                let end = (stored[partition]?.last?.offset).map { $0 + 1 } ?? 0
                answer[partition] = PartitionRecords(records: records, nextOffset: max(offset, records.last.map { $0.offset + 1 } ?? offset),
                                                     highWatermark: end, logStartOffset: stored[partition]?.first?.offset ?? 0)
            }
            return answer
        }
        // Like a long poll: an empty answer comes after a while, so a tail does not spin.
        if answer.values.allSatisfy(\.records.isEmpty) { try? await Task.sleep(for: .milliseconds(min(maxWaitMs, 50))) }
        return answer
    }

    func listOffsets(topic: String, partitions: [Int32], _ query: OffsetQuery) async throws -> [Int32: Int64] {
        try record(.listOffsets(topic, query))
        return lock.withLock {
            var offsets: [Int32: Int64] = [:]
            for partition in partitions {
                let records = stored[partition] ?? []
                switch query {
                case .earliest: offsets[partition] = records.first?.offset ?? 0
                case .latest: offsets[partition] = (records.last?.offset).map { $0 + 1 } ?? 0
                case .timestamp(let ms):
                    offsets[partition] = records.first { $0.timestamp >= ms }?.offset ?? (records.last?.offset).map { $0 + 1 } ?? 0
                }
            }
            return offsets
        }
    }
}
