import KafkaProtocol
import NIOCore

/// A group as ListGroups shows it.
public struct ConsumerGroupListing: Hashable, Sendable {
    public var groupId: String
    public var protocolType: String
    /// Empty when the broker is older than ListGroups v4.
    public var state: String
}

/// A member of a described group.
public struct ConsumerGroupMember: Hashable, Sendable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    /// Decoded from the member's assignment when the group is a consumer group.
    public var assignment: [TopicAndPartition]
}

/// A group as DescribeGroups shows it.
public struct ConsumerGroupDescription: Hashable, Sendable {
    public var groupId: String
    /// Empty, PreparingRebalance, CompletingRebalance, Stable, Dead.
    public var state: String
    public var protocolType: String
    /// The assignor the group chose (`range`, …).
    public var protocolName: String
    public var members: [ConsumerGroupMember]

    /// Kafka's tools reset offsets only for a group without members.
    public var isInactive: Bool { state == "Empty" || state == "Dead" }
}

extension KafkaClient {
    /// The coordinator of `group` (FindCoordinator), cached until it moves.
    public func findCoordinator(group: String) async throws(KafkaClientError) -> Int32 {
        if let cached = coordinators[group], brokers[cached] != nil { return cached }
        return try await retrying { () async throws(KafkaClientError) -> Int32 in
            let connection = try await self.anyConnection()
            let version = try connection.versions.version(for: .findCoordinator, address: connection.address.description)
            let request = FindCoordinatorRequest(key: group, keyType: 0, coordinatorKeys: [group])
            let response = try await connection.send(request, version: version)
            let (nodeId, host, port): (Int32, String, Int32)
            if version >= 4 {
                guard let entry = response.coordinators.first(where: { $0.key == group }) ?? response.coordinators.first else {
                    throw .malformedResponse(address: connection.address.description, api: "FindCoordinator", reason: "no coordinator")
                }
                try KafkaClientError.check(entry.errorCode, "finding the coordinator of group '\(group)'", message: entry.errorMessage)
                (nodeId, host, port) = (entry.nodeId, entry.host, entry.port)
            } else {
                try KafkaClientError.check(response.errorCode, "finding the coordinator of group '\(group)'", message: response.errorMessage)
                (nodeId, host, port) = (response.nodeId, response.host, response.port)
            }
            self.learnBroker(BrokerMetadata(nodeId: nodeId, host: host, port: Int(port)))
            self.coordinators[group] = nodeId
            return nodeId
        }
    }

    /// Runs `body` against the group's coordinator, finding it again (and retrying) when
    /// it moved or is loading.
    func withCoordinator<T>(_ group: String,
                            _ body: (BrokerConnection) async throws(KafkaClientError) -> T) async throws(KafkaClientError) -> T {
        try await retrying { () async throws(KafkaClientError) -> T in
            let connection = try await self.connection(toBroker: try await self.findCoordinator(group: group))
            do throws(KafkaClientError) {
                return try await body(connection)
            } catch {
                if Self.coordinatorMoved(error) { self.coordinators[group] = nil }
                throw error
            }
        }
    }

    static func coordinatorMoved(_ error: KafkaClientError) -> Bool {
        switch error {
        case .kafka(let code, _, _): [.notCoordinator, .coordinatorNotAvailable].contains(code)
        case .connectionClosed, .requestTimedOut, .brokerUnreachable: true
        default: false
        }
    }

    /// Every group on every broker, sorted by id.
    public func listGroups() async throws(KafkaClientError) -> [ConsumerGroupListing] {
        let metadata = try await metadata(topics: [])
        var groups: [String: ConsumerGroupListing] = [:]
        for broker in metadata.brokers {
            let connection = try await connection(to: broker.address)
            let response = try await connection.send(ListGroupsRequest())
            try KafkaClientError.check(response.errorCode, "listing groups on broker \(broker.nodeId)")
            for group in response.groups {
                groups[group.groupId] = ConsumerGroupListing(groupId: group.groupId, protocolType: group.protocolType, state: group.groupState)
            }
        }
        return groups.values.sorted { $0.groupId < $1.groupId }
    }

    /// Describes one group (a group nobody knows is `Dead` with no members, as in Kafka).
    public func describeGroup(_ group: String) async throws(KafkaClientError) -> ConsumerGroupDescription {
        try await withCoordinator(group) { (connection: BrokerConnection) async throws(KafkaClientError) -> ConsumerGroupDescription in
            let response = try await connection.send(DescribeGroupsRequest(groups: [group]))
            guard let described = response.groups.first(where: { $0.groupId == group }) else {
                throw .malformedResponse(address: connection.address.description, api: "DescribeGroups", reason: "no answer for '\(group)'")
            }
            try KafkaClientError.check(described.errorCode, "describing group '\(group)'", message: described.errorMessage)
            let isConsumer = described.protocolType == ConsumerProtocol.protocolType || described.protocolType.isEmpty
            return ConsumerGroupDescription(
                groupId: group, state: described.groupState, protocolType: described.protocolType,
                protocolName: described.protocolData,
                members: described.members.map {
                    ConsumerGroupMember(
                        memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId,
                        clientHost: $0.clientHost,
                        assignment: isConsumer ? (ConsumerProtocol.decodeAssignment($0.memberAssignment) ?? []) : [])
                }.sorted { $0.memberId < $1.memberId })
        }
    }

    /// Deletes groups; the answer holds each group's error, nil when deleted
    /// (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, …).
    public func deleteGroups(_ groups: [String]) async throws(KafkaClientError) -> [String: KafkaClientError?] {
        var results: [String: KafkaClientError?] = [:]
        for group in groups {
            let code = try await withCoordinator(group) { (connection: BrokerConnection) async throws(KafkaClientError) -> Int16 in
                let response = try await connection.send(DeleteGroupsRequest(groupsNames: [group]))
                let code = response.results.first { $0.groupId == group }?.errorCode ?? 0
                // Coordinator moves are retried; anything else is this group's answer.
                if [KafkaError.notCoordinator, .coordinatorNotAvailable, .coordinatorLoadInProgress].contains(KafkaError(code: code)) {
                    try KafkaClientError.check(code, "deleting group '\(group)'")
                }
                return code
            }
            results[group] = code == 0 ? .some(nil) : .kafka(KafkaError(code: code), context: "deleting group '\(group)'", message: nil)
        }
        return results
    }

    /// The group's committed offsets: of `partitions`, or of every partition it has
    /// committed when nil. Partitions without a committed offset are left out.
    public func committedOffsets(group: String,
                                 partitions: [TopicAndPartition]? = nil) async throws(KafkaClientError) -> [TopicAndPartition: Int64] {
        var topics: [OffsetFetchRequest.OffsetFetchRequestTopic]?
        if let partitions {
            var byTopic: [String: [Int32]] = [:]
            for partition in partitions { byTopic[partition.topic, default: []].append(partition.partition) }
            topics = byTopic.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitionIndexes: $0.value.sorted()) }
        }
        return try await withCoordinator(group) { (connection: BrokerConnection) async throws(KafkaClientError) -> [TopicAndPartition: Int64] in
            let version = try connection.versions.version(for: .offsetFetch, address: connection.address.description)
            guard topics != nil || version >= 2 else {
                throw .noCommonVersion(address: connection.address.description, api: "OffsetFetch (all topics)",
                                       ours: 2...7, broker: connection.versions.broker[.offsetFetch] ?? 0...0)
            }
            let response = try await connection.send(OffsetFetchRequest(groupId: group, topics: topics), version: version)
            try KafkaClientError.check(response.errorCode, "fetching the offsets of group '\(group)'")
            var offsets: [TopicAndPartition: Int64] = [:]
            for topic in response.topics {
                for partition in topic.partitions {
                    let key = TopicAndPartition(topic.name, partition.partitionIndex)
                    try KafkaClientError.check(partition.errorCode, "fetching the offset of group '\(group)' for \(key)")
                    if partition.committedOffset >= 0 { offsets[key] = partition.committedOffset }
                }
            }
            return offsets
        }
    }

    /// Commits offsets for a group. Generation -1 and an empty member id make it a
    /// "simple" commit, which the coordinator takes only while the group has no members
    /// (how kafka-consumer-groups.sh resets offsets).
    public func commitOffsets(group: String, offsets: [TopicAndPartition: Int64], generationId: Int32 = -1,
                              memberId: String = "", groupInstanceId: String? = nil) async throws(KafkaClientError) {
        guard !offsets.isEmpty else { return }
        var byTopic: [String: [OffsetCommitRequest.OffsetCommitRequestPartition]] = [:]
        for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            byTopic[partition.topic, default: []].append(.init(partitionIndex: partition.partition, committedOffset: offset))
        }
        let request = OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generationId, memberId: memberId, groupInstanceId: groupInstanceId,
            topics: byTopic.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitions: $0.value) })
        try await withCoordinator(group) { (connection: BrokerConnection) async throws(KafkaClientError) in
            let response = try await connection.send(request)
            for topic in response.topics {
                for partition in topic.partitions {
                    try KafkaClientError.check(partition.errorCode,
                                               "committing the offset of group '\(group)' for \(topic.name)-\(partition.partitionIndex)")
                }
            }
        }
    }

    func learnBroker(_ broker: BrokerMetadata) {
        if brokers[broker.nodeId] == nil { brokers[broker.nodeId] = broker }
    }
}
