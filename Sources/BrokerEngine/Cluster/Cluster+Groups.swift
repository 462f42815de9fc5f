import Foundation
import KafkaProtocol
import LogStore
import NIOConcurrencyHelpers
import NIOCore

extension Cluster {
    /// Creates `__consumer_offsets` on first start (Kafka creates it on the first
    /// FindCoordinator; the cluster needs it for its coordinator at once): compacted, with
    /// `offsets.topic.num.partitions` partitions and `offsets.topic.replication.factor`
    /// capped by the brokers there are.
    func ensureOffsetsTopic() throws {
        guard controller.image.topic(named: OffsetsTopicStore.topicName) == nil else { return }
        let replicationFactor = Int16(min(Int(options.offsetsTopicReplicationFactor), runningBrokerIds.count))
        try controller.createTopic(
            OffsetsTopicStore.topicName, partitions: options.offsetsTopicPartitions, replicationFactor: max(replicationFactor, 1),
            configs: ["cleanup.policy": "compact", "segment.bytes": String(OffsetsTopicStore.logConfig.segmentBytes)])
    }

    /// The `__consumer_offsets` partition that holds `groupId` (Kafka's `partitionFor`).
    public func offsetsTopicPartition(forGroup groupId: String) -> Int32 {
        OffsetsTopicPartitioner.partition(for: groupId, partitionCount: options.offsetsTopicPartitions)
    }

    /// The broker that coordinates `groupId`: the running leader of the group's
    /// `__consumer_offsets` partition, which is where its records are written (Kafka's
    /// FindCoordinator answer). Nil while that partition has no running leader.
    public func groupCoordinatorId(forGroup groupId: String) -> Int32? {
        leader(of: TopicPartition(OffsetsTopicStore.topicName, offsetsTopicPartition(forGroup: groupId)))?.id
    }

    /// The group coordinator's store: `__consumer_offsets` partitions, read from and written
    /// through their current leaders (a write is a leader append with acks=1; followers
    /// replicate it like any other record).
    func makeOffsetsStore() -> OffsetsTopicStore {
        let controller = self.controller
        let brokers = self.brokerRegistry
        @Sendable func leader(_ index: Int32) throws -> (Broker, TopicPartition) {
            let tp = TopicPartition(OffsetsTopicStore.topicName, index)
            guard let id = controller.image.partition(tp)?.leader, id >= 0,
                  let broker = brokers.withLockedValue({ $0[id] }) else {
                throw GroupError.coordinatorNotAvailable
            }
            return (broker, tp)
        }
        return OffsetsTopicStore(
            partitionCount: options.offsetsTopicPartitions, clock: clock,
            appendBatch: { index, batch in
                let (broker, tp) = try leader(index)
                let outcome = NIOLockedValueBox<Result<LogAppendInfo, ReplicationError>?>(nil)
                // acks=1 completes inside the call, on this thread.
                broker.replicaManager.appendRecords(tp, records: batch, requiredAcks: 1, timeoutMs: 30_000) { result in
                    outcome.withLockedValue { $0 = result }
                }
                guard case .success? = outcome.withLockedValue({ $0 }) else { throw GroupError.coordinatorNotAvailable }
            },
            partitionLog: { index in
                let (broker, tp) = try leader(index)
                guard let log = broker.replicaManager.logDirectory.partition(tp) else { throw GroupError.coordinatorNotAvailable }
                return log
            })
    }

    /// High watermarks of the partitions a group has offsets for or is assigned, for lag.
    func highWatermarks(for groupId: String) -> [TopicPartition: Int64] {
        let partitions = Set(groups.fetchOffsets(groupId: groupId, partitions: nil).map(\.topicPartition))
        var result: [TopicPartition: Int64] = [:]
        for tp in partitions {
            if let hw = leader(of: tp)?.replicaManager.highWatermark(tp) { result[tp] = hw }
        }
        return result
    }

    /// Plans an offset reset for `groupId` against the cluster's logs (kafka-consumer-groups.sh
    /// `--reset-offsets` without `--execute`).
    public func planOffsetReset(groupId: String, scope: OffsetResetScope,
                                strategy: OffsetResetStrategy) -> Result<OffsetResetPlan, GroupError> {
        groups.planOffsetReset(groupId: groupId, scope: scope, strategy: strategy, logs: ClusterOffsetSource(cluster: self))
    }

    /// The group's lag now: high watermark − committed offset per partition, with totals.
    public func lag(groupId: String) -> GroupLag {
        groups.lag(groupId: groupId, highWatermarks: highWatermarks(for: groupId))
    }
}
