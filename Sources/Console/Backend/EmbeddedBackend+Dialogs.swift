import BrokerEngine
import Dispatch
import Foundation
import KafkaClient
import KafkaProtocol
import LogStore
import NIOCore

/// The dialogs' operations on the in-process cluster, through the engine's typed API: the
/// leader's `appendRecords` (as the Produce handler does) and the group coordinator's
/// offset-reset planner and executor (`OffsetReset.swift`, which `wharf groups
/// reset-offsets` follows too).
extension EmbeddedBackend {
    public func produce(_ record: ProduceRecord) async throws -> ProducedRecord {
        let cluster = self.cluster
        guard let topic = cluster.controller.image.topic(named: record.topic) else {
            throw BackendError("Unknown topic \(record.topic).")
        }
        let count = topic.partitions.count
        let partition: Int32
        if let chosen = record.partition {
            guard chosen >= 0, Int(chosen) < count else {
                throw BackendError("\(record.topic) has partitions 0-\(count - 1), not \(chosen).")
            }
            partition = chosen
        } else if let key = record.key {
            partition = Murmur2.partition(forKey: Array(key.utf8), partitionCount: count)
        } else {
            // Java's sticky partitioner picks any partition for a keyless batch; one record
            // is one batch.
            partition = Int32.random(in: 0..<Int32(count))
        }
        let topicPartition = TopicPartition(record.topic, partition)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let entry = RecordBatch.Entry(
            key: record.key.map { ByteBuffer(string: $0) }, value: record.value.map { ByteBuffer(string: $0) },
            headers: record.headers.map { RecordHeader(key: $0.key, value: ByteBuffer(string: $0.value)) }, timestamp: now)
        let batch = try RecordBatch(records: [entry]).encoded()
        let info: LogAppendInfo = try await withCheckedThrowingContinuation { continuation in
            // The append writes to disk under the partition's lock: off the cooperative pool.
            DispatchQueue.global(qos: .userInitiated).async {
                guard let leader = cluster.leader(of: topicPartition) else {
                    continuation.resume(throwing: BackendError("\(topicPartition) has no leader (offline)."))
                    return
                }
                // acks=all, as producers default to since Kafka 3.0: "produced" means committed.
                leader.replicaManager.appendRecords(topicPartition, records: batch, requiredAcks: -1, timeoutMs: 10_000) {
                    continuation.resume(with: $0.mapError { BackendError("\($0)") })
                }
            }
        }
        return ProducedRecord(topicPartition: topicPartition, offset: info.firstOffset)
    }

    public func planOffsetReset(groupId: String, scope: OffsetResetScope, strategy: OffsetResetStrategy) async throws
        -> OffsetResetPlan {
        try await offPool { [cluster] in
            try cluster.planOffsetReset(groupId: groupId, scope: scope, strategy: strategy)
                .mapError { BackendError("\($0)") }.get()
        }
    }

    public func executeOffsetReset(_ plan: OffsetResetPlan) async throws {
        try await offPool { [cluster] in
            try cluster.groups.executeOffsetReset(plan).mapError { BackendError("\($0)") }.get()
        }
    }
}
