import LogStore

/// A block of producer ids handed to a broker (Kafka's `ProducerIdsBlock`).
public struct ProducerIdBlock: Hashable, Sendable {
    public var brokerId: Int32
    public var firstProducerId: Int64
    public var size: Int64
    public var lastProducerId: Int64 { firstProducerId + size - 1 }
}

extension Controller {
    /// AlterPartition (KIP-497), sent by a partition's leader to shrink or expand its ISR.
    /// Checked as Kafka's `ReplicationControlManager.alterPartition` does, in this order:
    /// the partition exists; the sender is a registered broker of the current epoch
    /// (`staleBrokerEpoch`); its leader epoch is not older than the partition's
    /// (`fencedLeaderEpoch`: a leader that lost the leadership); the partition epoch is
    /// current (`invalidUpdateVersion`); it is the leader (`notLeaderOrFollower`); the new ISR holds only
    /// distinct replicas and the leader (`invalidRequest`); every member is live, not fenced
    /// or shutting down (`ineligibleReplica`, KIP-841).
    ///
    /// An unchanged ISR commits nothing and returns the current state. Otherwise the
    /// partition epoch is bumped; the leader stays (an ISR change never elects here; the
    /// periodic rebalance restores preferred leaders).
    /// - Returns: the partition's state after the change (with the new partition epoch).
    @discardableResult
    public func alterPartition(_ topicPartition: TopicPartition, leaderId: Int32, leaderEpoch: Int32, partitionEpoch: Int32,
                               newIsr: [Int32], brokerEpoch: Int64? = nil) throws(ControllerError) -> PartitionRegistration {
        try withController { () throws(ControllerError) in
            guard let topic = state.topic(named: topicPartition.topic),
                  let partition = topic.partitions[topicPartition.partition] else {
                throw .unknownTopicOrPartition("This server does not host this topic-partition.")
            }
            guard let broker = state.brokers[leaderId] else { throw .brokerIdNotRegistered(leaderId) }
            if let brokerEpoch, brokerEpoch != broker.epoch {
                throw .staleBrokerEpoch("Broker \(leaderId) epoch \(brokerEpoch) is not the current epoch \(broker.epoch).")
            }
            if leaderEpoch < partition.leaderEpoch {
                throw .fencedLeaderEpoch("Leader epoch \(leaderEpoch) of \(topicPartition) is older than the current \(partition.leaderEpoch).")
            }
            guard partitionEpoch == partition.partitionEpoch else {
                throw .invalidUpdateVersion("Partition epoch \(partitionEpoch) of \(topicPartition) is not the current \(partition.partitionEpoch).")
            }
            // Kafka answers a newer epoch with NOT_CONTROLLER (another controller may know
            // it); with one in-process controller the sender simply is not the leader.
            guard leaderId == partition.leader, leaderEpoch == partition.leaderEpoch else {
                throw .notLeaderOrFollower("Broker \(leaderId) is not the leader of \(topicPartition) at epoch \(leaderEpoch).")
            }
            guard Set(newIsr).count == newIsr.count, newIsr.allSatisfy(partition.replicas.contains) else {
                throw .invalidRequest("The new ISR \(newIsr) of \(topicPartition) has duplicates or brokers that are not replicas \(partition.replicas).")
            }
            guard newIsr.contains(leaderId) else {
                throw .invalidRequest("The new ISR \(newIsr) of \(topicPartition) does not contain the leader \(leaderId).")
            }
            let ineligible = newIsr.filter { !state.isActive($0) }
            guard ineligible.isEmpty else {
                throw .ineligibleReplica("Replicas \(ineligible) of \(topicPartition) are fenced or shutting down and cannot join the ISR.")
            }
            guard newIsr != partition.isr else { return partition }
            let change = PartitionChange(topicId: topic.id, partition: topicPartition.partition, isr: newIsr, leader: nil,
                                         leaderEpoch: partition.leaderEpoch, partitionEpoch: partition.partitionEpoch + 1)
            try commitLocked([.partitionChange(change)])
            return state.partition(topicPartition)!
        }
    }

    /// AllocateProducerIds (KIP-730): the next block of `producer.id.block.size` ids for a
    /// registered broker. The block is on disk before it is returned, so no id is ever
    /// handed out twice, even across restarts.
    public func allocateProducerIds(brokerId: Int32, brokerEpoch: Int64? = nil) throws(ControllerError) -> ProducerIdBlock {
        try withController { () throws(ControllerError) in
            guard let broker = state.brokers[brokerId] else { throw .brokerIdNotRegistered(brokerId) }
            if let brokerEpoch, brokerEpoch != broker.epoch {
                throw .staleBrokerEpoch("Broker \(brokerId) epoch \(brokerEpoch) is not the current epoch \(broker.epoch).")
            }
            let first = state.nextProducerId
            let size = config.producerIdBlockSize
            guard first <= Int64.max - size else { throw .storage("producer ids are exhausted") }
            try commitLocked([.producerIdsBlock(brokerId: brokerId, nextBlockStart: first + size)])
            return ProducerIdBlock(brokerId: brokerId, firstProducerId: first, size: size)
        }
    }
}
