import Foundation
import KafkaProtocol
import LogStore
import NIOConcurrencyHelpers
import NIOCore

extension Cluster {
    /// Creates `__consumer_offsets` on first start (Kafka creates it on the first
    /// FindCoordinator; the cluster needs it for its coordinator at once) with the store's
    /// log config as topic configs (compacted, its `segment.bytes`), so every replica's log
    /// gets them the way any topic's do, `offsets.topic.num.partitions` partitions and
    /// `offsets.topic.replication.factor` capped by the brokers there are.
    func ensureOffsetsTopic() throws {
        guard controller.image.topic(named: OffsetsTopicStore.topicName) == nil else { return }
        let replicationFactor = Int16(min(Int(options.offsetsTopicReplicationFactor), runningBrokerIds.count))
        try controller.createTopic(
            OffsetsTopicStore.topicName, partitions: options.offsetsTopicPartitions, replicationFactor: max(replicationFactor, 1),
            configs: OffsetsTopicStore.topicConfigs)
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
            replication: { index in
                guard let (broker, tp) = try? leader(index),
                      let state = broker.replicaManager.partition(tp)?.leaderState else { return nil }
                return OffsetsTopicStore.Replication(leaderEpoch: state.leaderEpoch, highWatermark: state.highWatermark)
            },
            partitionLog: { index in
                // The leader's log; with no leader (its brokers are not running), any running
                // replica's copy, which is a prefix of it: enough to replay at start.
                let tp = TopicPartition(OffsetsTopicStore.topicName, index)
                let candidates = ((try? leader(index)).map { [$0.0] } ?? [])
                    + (controller.image.partition(tp)?.replicas ?? []).compactMap { id in brokers.withLockedValue { $0[id] } }
                for broker in candidates {
                    if let log = broker.replicaManager.logDirectory.partition(tp) { return log }
                }
                throw GroupError.coordinatorNotAvailable
            })
    }

    /// Plans an offset reset for `groupId` against the cluster's logs (kafka-consumer-groups.sh
    /// `--reset-offsets` without `--execute`).
    public func planOffsetReset(groupId: String, scope: OffsetResetScope,
                                strategy: OffsetResetStrategy) -> Result<OffsetResetPlan, GroupError> {
        groups.planOffsetReset(groupId: groupId, scope: scope, strategy: strategy, logs: ClusterOffsetSource(cluster: self))
    }

    /// The group's lag now: high watermark − committed offset per partition, with totals,
    /// over every partition of the topics it committed to or subscribes to.
    public func lag(groupId: String) -> GroupLag {
        guard let group = groups.observeGroup(groupId) else {
            return GroupLag(groupId: groupId, partitions: [], totalByTopic: [:], total: 0)
        }
        return group.lag(highWatermarks: leaderHighWatermarks(ofTopics: group.lagTopics))
    }

    /// The coordinator's `__consumer_offsets` store.
    var offsetsStore: OffsetsTopicStore? { groups.store as? OffsetsTopicStore }

    /// Compacts the `__consumer_offsets` partitions each broker leads, where they changed
    /// (the retention-check timer runs it, as Kafka's cleaner runs beside retention).
    func compactOffsetsTopic() {
        guard let store = offsetsStore else { return }
        forEachBroker { broker in
            for tp in broker.replicaManager.hostedPartitions where tp.topic == OffsetsTopicStore.topicName {
                guard broker.replicaManager.partition(tp)?.isLeader == true else { continue }
                do {
                    let dropped = try store.compactIfChanged(partition: tp.partition)
                    if dropped > 0 { logger.info("Compacted \(tp) on broker \(broker.id): \(dropped) records dropped") }
                } catch {
                    logger.error("Compaction of \(tp) on broker \(broker.id) failed: \(error)")
                }
            }
        }
    }
}
