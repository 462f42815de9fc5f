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
    }

    var name: String { "fake" }
    private let lock = NSLock()
    private var recorded: [Call] = []
    private let current: ClusterSnapshot
    var failure: BackendError?
    /// What `planOffsetReset` answers (nil: one row per partition of orders, 0 → 10).
    var plan: OffsetResetPlan?

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
}
