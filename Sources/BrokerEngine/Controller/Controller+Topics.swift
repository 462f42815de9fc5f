import KafkaProtocol
import LogStore

/// A topic to create (one entry of Kafka's CreateTopics request). -1 takes
/// `num.partitions` / `default.replication.factor`; with a manual `assignment` (partition →
/// replicas, `kafka-topics.sh --replica-assignment`) both must be -1.
public struct NewTopic: Hashable, Sendable {
    public var name: String
    public var numPartitions: Int32
    public var replicationFactor: Int16
    public var configs: [String: String]
    public var assignment: [Int32: [Int32]]?

    public init(name: String, numPartitions: Int32 = -1, replicationFactor: Int16 = -1, configs: [String: String] = [:],
                assignment: [Int32: [Int32]]? = nil) {
        self.name = name
        self.numPartitions = numPartitions
        self.replicationFactor = replicationFactor
        self.configs = configs
        self.assignment = assignment
    }
}

/// What CreateTopics answers for a created (or, with validateOnly, creatable) topic.
public struct CreatedTopic: Hashable, Sendable {
    public var name: String
    /// Zero for validateOnly (Kafka returns ZERO_UUID then).
    public var topicId: KafkaUUID
    public var numPartitions: Int32
    public var replicationFactor: Int16
    /// Replicas per partition, `[0]` the preferred leader.
    public var assignment: [Int32: [Int32]]
}

extension Controller {
    /// CreateTopics (Kafka's `ReplicationControlManager.createTopics`): each topic is
    /// validated on its own and answered on its own; the valid ones are committed together
    /// in one batch. Checks: duplicate names in the request, `Topic.validate` name rules,
    /// existence, a collision with an existing name when '.' and '_' are unified,
    /// partitions and replication factor positive (or -1), replication factor ≤ live
    /// brokers, configs valid. Replicas are placed like Kafka's rack-unaware placement
    /// (`ReplicaPlacer`) on unfenced brokers; every replica starts in the ISR, the first leads.
    public func createTopics(_ topics: [NewTopic], validateOnly: Bool = false) -> [String: Result<CreatedTopic, ControllerError>] {
        var results: [String: Result<CreatedTopic, ControllerError>] = [:]
        let counts = Dictionary(topics.map { ($0.name, 1) }, uniquingKeysWith: +)
        do throws(ControllerError) {
            try withController { () throws(ControllerError) in
                var records: [MetadataRecord] = []
                var claimed = Set(state.topicIdsByName.keys)
                for topic in topics {
                    if counts[topic.name]! > 1 {
                        results[topic.name] = .failure(.invalidRequest("Duplicate topic name."))
                        continue
                    }
                    do throws(ControllerError) {
                        let created = try prepareTopicLocked(topic, claimedNames: claimed, validateOnly: validateOnly,
                                                             records: &records)
                        claimed.insert(topic.name)
                        results[topic.name] = .success(created)
                    } catch {
                        results[topic.name] = .failure(error)
                    }
                }
                try commitLocked(records)
                for name in results.keys where results[name].map({ if case .success = $0 { true } else { false } }) ?? false {
                    logger.info("Created topic \(name)\(validateOnly ? " (validate only)" : "")")
                }
            }
        } catch {
            for topic in topics where (try? results[topic.name]?.get()) != nil { results[topic.name] = .failure(error) }
            for topic in topics where results[topic.name] == nil { results[topic.name] = .failure(error) }
        }
        return results
    }

    /// Creates one topic; throws its error.
    @discardableResult
    public func createTopic(_ name: String, partitions: Int32 = -1, replicationFactor: Int16 = -1,
                            configs: [String: String] = [:], validateOnly: Bool = false) throws(ControllerError) -> CreatedTopic {
        let topic = NewTopic(name: name, numPartitions: partitions, replicationFactor: replicationFactor, configs: configs)
        return try createTopics([topic], validateOnly: validateOnly)[name]!.get()
    }

    /// Metadata/Produce for an unknown topic (Kafka's `AutoTopicCreationManager`): creates
    /// it with `num.partitions` and `default.replication.factor` when
    /// `auto.create.topics.enable`, else `unknownTopicOrPartition`. An existing topic is
    /// returned as it is. Internal topics are never auto-created: their coordinators
    /// create them with their own settings.
    @discardableResult
    public func autoCreateTopic(_ name: String) throws(ControllerError) -> TopicImage {
        if let existing = image.topic(named: name) { return existing }
        guard config.autoCreateTopicsEnable, !TopicName.isInternal(name) else {
            throw .unknownTopicOrPartition("This server does not host this topic-partition.")
        }
        if let problem = TopicName.problem(name) { throw .invalidTopic(problem) }
        do throws(ControllerError) {
            try createTopic(name, partitions: config.numPartitions, replicationFactor: config.defaultReplicationFactor)
        } catch .topicAlreadyExists {
            // Created by a concurrent request: fine, return it.
        }
        guard let topic = image.topic(named: name) else { throw .unknownTopicOrPartition("Topic \(name) was deleted.") }
        return topic
    }

    private func prepareTopicLocked(_ topic: NewTopic, claimedNames: Set<String>, validateOnly: Bool,
                                    records: inout [MetadataRecord]) throws(ControllerError) -> CreatedTopic {
        if let problem = TopicName.problem(topic.name) { throw .invalidTopic(problem) }
        if claimedNames.contains(topic.name) { throw .topicAlreadyExists("Topic '\(topic.name)' already exists.") }
        if TopicName.hasCollisionChars(topic.name) {
            let unified = TopicName.unifiedCollisionForm(topic.name)
            if let other = claimedNames.first(where: { TopicName.unifiedCollisionForm($0) == unified }) {
                throw .invalidTopic("Topic '\(topic.name)' collides with existing topic: \(other)")
            }
            logger.warning("Topic \(topic.name) has '.' or '_'; such names can collide in metric names")
        }
        let assignment: [Int32: [Int32]]
        if let manual = topic.assignment {
            guard topic.numPartitions == -1, topic.replicationFactor == -1 else {
                throw .invalidRequest("A manual partition assignment was specified, but numPartitions or replicationFactor was not set to -1.")
            }
            try validateManualAssignmentLocked(manual)
            try TopicConfigCatalog.validate(topic.configs)
            assignment = manual
        } else {
            let partitions = topic.numPartitions == -1 ? config.numPartitions : topic.numPartitions
            guard partitions > 0 else {
                throw .invalidPartitions("Number of partitions was set to an invalid non-positive value.")
            }
            let replicationFactor = topic.replicationFactor == -1 ? config.defaultReplicationFactor : topic.replicationFactor
            guard replicationFactor > 0 else {
                throw .invalidReplicationFactor("Replication factor must be larger than 0, or -1 to use the default value.")
            }
            let brokers = state.activeBrokerIds
            guard Int(replicationFactor) <= brokers.count else {
                throw .invalidReplicationFactor(
                    "Unable to replicate the partition \(replicationFactor) time(s): The target replication factor of "
                        + "\(replicationFactor) cannot be reached because only \(brokers.count) broker(s) are registered.")
            }
            try TopicConfigCatalog.validate(topic.configs)
            assignment = ReplicaPlacer.assign(partitionCount: Int(partitions), replicationFactor: Int(replicationFactor),
                                              brokers: brokers, random: &random)
        }
        let partitions = Int32(assignment.count)
        let replicationFactor = Int16(assignment[0]!.count)
        guard !validateOnly else {
            return CreatedTopic(name: topic.name, topicId: .zero, numPartitions: partitions,
                                replicationFactor: replicationFactor, assignment: assignment)
        }
        let pendingIds = Set(records.compactMap { record -> KafkaUUID? in
            if case .topic(_, let id) = record { id } else { nil }
        })
        var id = KafkaUUID.random(using: &random)
        while state.topicsById[id] != nil || pendingIds.contains(id) { id = KafkaUUID.random(using: &random) }
        records.append(.topic(name: topic.name, id: id))
        for (name, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
            records.append(.config(resource: .topic(topic.name), name: name, value: value))
        }
        for partition in 0..<partitions {
            let replicas = assignment[partition]!
            // Placed replicas are all live; a manual assignment may name fenced brokers,
            // which start outside the ISR (Kafka's createTopic does the same).
            let isr = replicas.filter(state.isActive)
            records.append(.partition(PartitionRecord(topicId: id, partition: partition, replicas: replicas, isr: isr,
                                                      leader: isr[0], leaderEpoch: 0, partitionEpoch: 0)))
        }
        return CreatedTopic(name: topic.name, topicId: id, numPartitions: partitions,
                            replicationFactor: replicationFactor, assignment: assignment)
    }

    /// Kafka's `validateManualPartitionAssignment` plus createTopic's checks: partitions
    /// 0..n-1, each with the same number of distinct registered brokers, at least one live.
    private func validateManualAssignmentLocked(_ assignment: [Int32: [Int32]]) throws(ControllerError) {
        guard !assignment.isEmpty, assignment.keys.sorted() == Array(0..<Int32(assignment.count)) else {
            throw .invalidReplicaAssignment("Partitions should be a consecutive 0-based integer sequence.")
        }
        let replicationFactor = assignment[0]!.count
        for partition in assignment.keys.sorted() {
            let replicas = assignment[partition]!
            guard !replicas.isEmpty else {
                throw .invalidReplicaAssignment("The manual partition assignment includes an empty replica list.")
            }
            var seen = Set<Int32>()
            for broker in replicas {
                guard seen.insert(broker).inserted else {
                    throw .invalidReplicaAssignment("The manual partition assignment includes the broker \(broker) more than once.")
                }
                guard state.brokers[broker] != nil else {
                    throw .invalidReplicaAssignment("The manual partition assignment includes broker \(broker), but no such broker is registered.")
                }
            }
            guard replicas.count == replicationFactor else {
                throw .invalidReplicaAssignment(
                    "The manual partition assignment includes a partition with \(replicas.count) replica(s), but this is not "
                        + "consistent with previous partitions, which have \(replicationFactor) replica(s).")
            }
            guard replicas.contains(where: state.isActive) else {
                throw .invalidReplicaAssignment(
                    "All brokers specified in the manual partition assignment for partition \(partition) are fenced or in controlled shutdown.")
            }
        }
    }

    /// DeleteTopics: removes each topic (one `removeTopic` record each, its configs with it)
    /// and answers per name. The brokers remove the files when they see the change
    /// (`MetadataChange.deletedTopics`), as KRaft brokers do on a RemoveTopicRecord.
    /// Internal topics are refused with `policyViolation`.
    public func deleteTopics(_ names: [String]) -> [String: Result<KafkaUUID, ControllerError>] {
        var results: [String: Result<KafkaUUID, ControllerError>] = [:]
        do throws(ControllerError) {
            try withController { () throws(ControllerError) in
                var records: [MetadataRecord] = []
                for name in names where results[name] == nil {
                    if TopicName.isInternal(name) {
                        results[name] = .failure(.policyViolation("Topic \(name) is an internal topic and cannot be deleted."))
                    } else if let id = state.topicIdsByName[name] {
                        records.append(.removeTopic(id: id))
                        results[name] = .success(id)
                    } else {
                        results[name] = .failure(.unknownTopicOrPartition("This server does not host this topic-partition."))
                    }
                }
                try commitLocked(records)
                for record in records { if case .removeTopic(let id) = record { logger.info("Deleted topic \(id)") } }
            }
        } catch {
            for name in names { results[name] = .failure(error) }
        }
        return results
    }

    /// Deletes one topic; returns its id.
    @discardableResult
    public func deleteTopic(_ name: String) throws(ControllerError) -> KafkaUUID {
        try deleteTopics([name])[name]!.get()
    }

    /// CreatePartitions: grows `topic` to `newTotal` partitions with the replication factor
    /// of its partition 0. The new replicas continue the existing placement (Kafka's
    /// `AdminZkClient.createPartitions`: the start index is partition 0's first replica),
    /// unless `assignment` gives the replicas of each new partition, in order (checked as
    /// Kafka's `ReplicationControlManager.createPartitions` does: one list per new
    /// partition, each of the topic's replication factor, distinct registered brokers, at
    /// least one of them live; replicas that are not live start outside the ISR).
    public func createPartitions(topic name: String, newTotal: Int32, assignment manual: [[Int32]]? = nil,
                                 validateOnly: Bool = false) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            guard let topic = state.topic(named: name) else {
                throw .unknownTopicOrPartition("This server does not host this topic-partition.")
            }
            if TopicName.isInternal(name) {
                throw .policyViolation("Partitions of internal topic \(name) cannot be added.")
            }
            let current = Int32(topic.partitionCount)
            if newTotal < current {
                throw .invalidPartitions("Topic currently has \(current) partitions, which is higher than the requested \(newTotal).")
            }
            if newTotal == current { throw .invalidPartitions("Topic already has \(current) partitions.") }
            let first = topic.partitions[0]?.replicas ?? []
            let brokers = state.activeBrokerIds
            guard !first.isEmpty, first.count <= brokers.count else {
                throw .invalidReplicationFactor(
                    "Unable to replicate the partition \(first.count) time(s): The target replication factor of "
                        + "\(first.count) cannot be reached because only \(brokers.count) broker(s) are registered.")
            }
            let assignment: [Int32: [Int32]]
            if let manual {
                let additional = Int(newTotal - current)
                guard manual.count == additional else {
                    throw .invalidReplicaAssignment("Attempted to add \(additional) additional partition(s), but only "
                                                    + "\(manual.count) assignment(s) were specified.")
                }
                let numbered = Dictionary(uniqueKeysWithValues: manual.enumerated().map { (Int32($0.offset), $0.element) })
                try validateManualAssignmentLocked(numbered)
                if let replicas = manual.first, replicas.count != first.count {
                    throw .invalidReplicaAssignment(
                        "The manual partition assignment includes a partition with \(replicas.count) replica(s), but this is "
                            + "not consistent with previous partitions, which have \(first.count) replica(s).")
                }
                assignment = Dictionary(uniqueKeysWithValues: manual.enumerated().map { (current + Int32($0.offset), $0.element) })
            } else {
                let startIndex = max(0, brokers.firstIndex(where: { $0 >= first[0] }) ?? 0)
                assignment = ReplicaPlacer.assign(
                    partitionCount: Int(newTotal - current), replicationFactor: first.count, brokers: brokers,
                    fixedStartIndex: startIndex, startPartitionId: Int(current), random: &random)
            }
            guard !validateOnly else { return }
            let records = assignment.keys.sorted().map { partition -> MetadataRecord in
                let replicas = assignment[partition]!
                // Placed replicas are all live; a manual list may name fenced brokers (see createTopic).
                let isr = replicas.filter(state.isActive)
                return .partition(PartitionRecord(topicId: topic.id, partition: partition, replicas: replicas, isr: isr,
                                                  leader: isr[0], leaderEpoch: 0, partitionEpoch: 0))
            }
            try commitLocked(records)
            logger.info("Topic \(name) now has \(newTotal) partitions")
        }
    }
}
