import KafkaProtocol

extension MetadataImage {
    /// Applies one record, as KRaft's `MetadataDelta.replay`. A record that does not fit
    /// the image (a change to an unknown topic, a broker epoch that is not current) means
    /// the log is not one this controller wrote: replay stops with `corruptMetadataLog`.
    mutating func apply(_ record: MetadataRecord, offset: Int64) throws(ControllerError) {
        func fail(_ why: String) -> ControllerError { .corruptMetadataLog("record at offset \(offset): \(why)") }
        switch record {
        case .clusterId(let id):
            clusterId = id
        case let .registerBroker(id, epoch, rack):
            brokers[id] = BrokerRegistration(id: id, epoch: epoch, rack: rack, state: .registered,
                                             lastHeartbeatMs: brokers[id]?.lastHeartbeatMs)
        case let .brokerFenced(id, epoch), let .brokerUnfenced(id, epoch), let .brokerInControlledShutdown(id, epoch):
            guard var broker = brokers[id] else { throw fail("broker \(id) is not registered") }
            guard broker.epoch == epoch else { throw fail("broker \(id) epoch \(epoch) is not the current \(broker.epoch)") }
            switch record {
            case .brokerFenced: broker.state = .fenced
            case .brokerUnfenced: broker.state = .unfenced
            default: broker.state = .shuttingDown
            }
            brokers[id] = broker
        case let .topic(name, id):
            guard topicIdsByName[name] == nil, topicsById[id] == nil else { throw fail("topic \(name) (\(id)) exists") }
            topicIdsByName[name] = id
            topicsById[id] = TopicImage(name: name, id: id, partitions: [:])
        case .partition(let p):
            guard topicsById[p.topicId] != nil else { throw fail("partition of unknown topic id \(p.topicId)") }
            topicsById[p.topicId]!.partitions[p.partition] = PartitionRegistration(
                replicas: p.replicas, isr: p.isr, leader: p.leader, leaderEpoch: p.leaderEpoch,
                partitionEpoch: p.partitionEpoch)
        case .partitionChange(let c):
            guard var partition = topicsById[c.topicId]?.partitions[c.partition] else {
                throw fail("change to unknown partition \(c.topicId)-\(c.partition)")
            }
            if let isr = c.isr { partition.isr = isr }
            if let leader = c.leader { partition.leader = leader }
            partition.leaderEpoch = c.leaderEpoch
            partition.partitionEpoch = c.partitionEpoch
            topicsById[c.topicId]!.partitions[c.partition] = partition
        case .removeTopic(let id):
            guard let topic = topicsById.removeValue(forKey: id) else { throw fail("removal of unknown topic id \(id)") }
            topicIdsByName[topic.name] = nil
            // Kafka's RemoveTopicRecord takes the topic's config with it.
            configs[.topic(topic.name)] = nil
        case let .config(resource, name, value):
            var entries = configs[resource] ?? [:]
            entries[name] = value
            configs[resource] = entries.isEmpty ? nil : entries
        case let .producerIdsBlock(_, next):
            guard next > nextProducerId else { throw fail("producer id block \(next) does not move past \(nextProducerId)") }
            nextProducerId = next
        }
        lastOffset = offset
    }

    /// Updates a broker's last heartbeat (not a record: heartbeats are not persisted).
    mutating func recordHeartbeat(brokerId: Int32, atMs now: Int64) {
        brokers[brokerId]?.lastHeartbeatMs = now
    }
}
