import KafkaProtocol
import NIOCore

public struct GroupConsumerOptions: Sendable {
    /// The coordinator drops a member it has not heard from for this long.
    public var sessionTimeout: Duration = .seconds(10)
    /// How long a rebalance waits for members to rejoin.
    public var rebalanceTimeout: Duration = .seconds(30)
    public var heartbeatInterval: Duration = .seconds(1)
    /// Where to start a partition the group has no committed offset for
    /// (`auto.offset.reset`): `.earliest` or `.latest`.
    public var autoOffsetReset: OffsetSpec = .latest
    public var fetch = FetchOptions()

    public init(autoOffsetReset: OffsetSpec = .latest) { self.autoOffsetReset = autoOffsetReset }
}

/// A member of a consumer group (the classic protocol): joins with the "range" assignor,
/// computes the assignment when it is the leader, heartbeats in the background, fetches
/// from its partitions and commits what it has returned. A rebalance announced by a
/// heartbeat makes the next `poll` commit and rejoin.
public actor GroupConsumer {
    public let client: KafkaClient
    public let groupId: String
    public let topics: [String]
    public let options: GroupConsumerOptions

    public private(set) var memberId = ""
    public private(set) var generationId: Int32 = -1
    public private(set) var assignment: [TopicAndPartition] = []
    /// The next offset to return per partition (what `commit` commits).
    public private(set) var positions: [TopicAndPartition: Int64] = [:]
    /// Where the next fetch starts; ahead of `positions` while records are buffered.
    private var fetchPositions: [TopicAndPartition: Int64] = [:]
    private var buffered: [ConsumerRecord] = []
    private var needsRejoin = true
    private var isJoining = false
    private var isStopped = false
    private var heartbeatTask: Task<Void, Never>?

    public init(client: KafkaClient, groupId: String, topics: [String], options: GroupConsumerOptions = GroupConsumerOptions()) {
        self.client = client
        self.groupId = groupId
        self.topics = topics
        self.options = options
    }

    /// Up to `maxRecords` records, waiting at most about `options.fetch.maxWait` when
    /// none are there. Joins (or rejoins) the group first when needed.
    public func poll(maxRecords: Int = 500) async throws(KafkaClientError) -> [ConsumerRecord] {
        guard !isStopped else { throw .closed }
        if needsRejoin {
            if generationId >= 0 { try? await commit() }
            try await join()
        }
        try await initializePositions()
        if buffered.isEmpty { try await fetchMore() }
        let taken = Array(buffered.prefix(maxRecords))
        buffered.removeFirst(taken.count)
        for record in taken { positions[record.topicPartition] = record.offset + 1 }
        if buffered.isEmpty {
            // Past control batches and empty fetches too.
            for (partition, offset) in fetchPositions where assignment.contains(partition) { positions[partition] = offset }
            fetchPositions.removeAll()
        }
        return taken
    }

    /// Commits the positions of the assigned partitions with this generation.
    public func commit() async throws(KafkaClientError) {
        let offsets = positions.filter { assignment.contains($0.key) }
        guard !offsets.isEmpty, generationId >= 0 else { return }
        try await client.commitOffsets(group: groupId, offsets: offsets, generationId: generationId, memberId: memberId)
    }

    /// Commits (when `commit`), stops heartbeating and leaves the group, so the
    /// partitions are reassigned at once rather than after the session timeout.
    public func stop(commit shouldCommit: Bool = true) async {
        guard !isStopped else { return }
        if shouldCommit { try? await commit() }
        isStopped = true
        heartbeatTask?.cancel()
        heartbeatTask = nil
        guard !memberId.isEmpty else { return }
        let request = LeaveGroupRequest(groupId: groupId, memberId: memberId,
                                        members: [LeaveGroupRequest.MemberIdentity(memberId: memberId)])
        if let connection = try? await client.coordinatorConnection(for: groupId) {
            _ = try? await connection.send(request)
        }
        memberId = ""
        generationId = -1
    }

    // MARK: Membership

    private func join() async throws(KafkaClientError) {
        isJoining = true
        defer { isJoining = false }
        buffered.removeAll()
        fetchPositions.removeAll()
        var lastError: KafkaClientError?
        for attempt in 0..<20 {
            if attempt > 0, lastError != nil {
                try? await Task.sleep(for: client.configuration.retryBackoff * min(attempt, 10))
            }
            do {
                if try await joinOnce() {
                    needsRejoin = false
                    startHeartbeats()
                    return
                }
                lastError = nil
            } catch {
                guard Self.rejoinable(error) else { throw error }
                if KafkaClient.coordinatorMoved(error) { await client.forgetCoordinator(of: groupId) }
                lastError = error
            }
        }
        throw lastError ?? .kafka(.rebalanceInProgress, context: "joining group '\(groupId)'", message: "gave up after 20 attempts")
    }

    /// One JoinGroup + SyncGroup round; false when it must simply be run again
    /// (MEMBER_ID_REQUIRED, a rebalance that restarted).
    private func joinOnce() async throws(KafkaClientError) -> Bool {
        let connection = try await client.coordinatorConnection(for: groupId)
        let join = JoinGroupRequest(
            groupId: groupId, sessionTimeoutMs: Int32(clamping: options.sessionTimeout.milliseconds),
            rebalanceTimeoutMs: Int32(clamping: options.rebalanceTimeout.milliseconds), memberId: memberId,
            protocolType: ConsumerProtocol.protocolType,
            protocols: [.init(name: RangeAssignor.name, metadata: ConsumerProtocol.encodeSubscription(topics: topics))])
        let joined = try await connection.send(join, extraTimeout: options.rebalanceTimeout)
        switch KafkaError(code: joined.errorCode) {
        case .none:
            break
        case .memberIdRequired:
            // KIP-394: join again with the id the coordinator handed out.
            memberId = joined.memberId
            return false
        case .unknownMemberId:
            memberId = ""
            return false
        case .rebalanceInProgress:
            return false
        default:
            throw .kafka(KafkaError(code: joined.errorCode), context: "joining group '\(groupId)'", message: nil)
        }
        memberId = joined.memberId
        generationId = joined.generationId

        var assignments: [SyncGroupRequest.SyncGroupRequestAssignment] = []
        if joined.leader == joined.memberId, !joined.skipAssignment {
            assignments = try await computeAssignments(joined.members)
        }
        let sync = SyncGroupRequest(groupId: groupId, generationId: generationId, memberId: memberId,
                                    protocolType: ConsumerProtocol.protocolType, protocolName: RangeAssignor.name,
                                    assignments: assignments)
        let synced = try await connection.send(sync, extraTimeout: options.rebalanceTimeout)
        switch KafkaError(code: synced.errorCode) {
        case .none:
            break
        case .rebalanceInProgress, .illegalGeneration:
            return false
        case .unknownMemberId:
            memberId = ""
            return false
        default:
            throw .kafka(KafkaError(code: synced.errorCode), context: "syncing group '\(groupId)'", message: nil)
        }
        let newAssignment = ConsumerProtocol.decodeAssignment(synced.assignment) ?? []
        positions = positions.filter { newAssignment.contains($0.key) }
        assignment = newAssignment
        return true
    }

    /// The leader's job: the range assignment over every member's subscription.
    private func computeAssignments(_ members: [JoinGroupResponse.JoinGroupResponseMember]) async throws(KafkaClientError)
        -> [SyncGroupRequest.SyncGroupRequestAssignment] {
        var subscriptions: [String: [String]] = [:]
        for member in members {
            subscriptions[member.memberId] = ConsumerProtocol.decodeSubscription(member.metadata) ?? []
        }
        var counts: [String: Int] = [:]
        await client.invalidateMetadata()
        for topic in Set(subscriptions.values.flatMap { $0 }) {
            if let metadata = try? await client.topicMetadata(topic) { counts[topic] = metadata.partitions.count }
        }
        return RangeAssignor.assign(subscriptions: subscriptions, partitionCounts: counts).map {
            .init(memberId: $0.key, assignment: ConsumerProtocol.encodeAssignment($0.value))
        }.sorted { $0.memberId < $1.memberId }
    }

    static func rejoinable(_ error: KafkaClientError) -> Bool {
        if KafkaClient.coordinatorMoved(error) { return true }
        guard let code = error.kafkaError else { return false }
        return code == .coordinatorLoadInProgress || code == .rebalanceInProgress || code.isRetriable
    }

    private func startHeartbeats() {
        guard heartbeatTask == nil else { return }
        let interval = options.heartbeatInterval
        heartbeatTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                await self.heartbeat()
            }
        }
    }

    private func heartbeat() async {
        guard !isStopped, !isJoining, !needsRejoin, generationId >= 0 else { return }
        let request = HeartbeatRequest(groupId: groupId, generationId: generationId, memberId: memberId)
        do throws(KafkaClientError) {
            let connection = try await client.coordinatorConnection(for: groupId)
            let response = try await connection.send(request)
            switch KafkaError(code: response.errorCode) {
            case .none:
                break
            case .rebalanceInProgress, .illegalGeneration:
                needsRejoin = true
            case .unknownMemberId, .fencedInstanceId:
                memberId = ""
                generationId = -1
                needsRejoin = true
            case .notCoordinator, .coordinatorNotAvailable:
                await client.forgetCoordinator(of: groupId)
            default:
                break
            }
        } catch {
            if KafkaClient.coordinatorMoved(error) { await client.forgetCoordinator(of: groupId) }
        }
    }

    // MARK: Positions and fetching

    /// Starts assigned partitions without a position at the committed offset, else by
    /// `autoOffsetReset`.
    private func initializePositions() async throws(KafkaClientError) {
        let missing = assignment.filter { positions[$0] == nil }
        guard !missing.isEmpty else { return }
        let committed = try await client.committedOffsets(group: groupId, partitions: missing)
        for (partition, offset) in committed { positions[partition] = offset }
        try await reset(missing.filter { positions[$0] == nil })
    }

    private func reset(_ partitions: [TopicAndPartition]) async throws(KafkaClientError) {
        guard !partitions.isEmpty else { return }
        let spec = options.autoOffsetReset
        let listed = try await client.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, spec) }))
        for partition in partitions {
            if let offset = listed[partition]?.offset {
                positions[partition] = offset
            } else {
                // No record at or after the time: start at the end, as Kafka's tools do.
                positions[partition] = try await client.listOffsets([partition: .latest])[partition]?.offset ?? 0
            }
        }
    }

    private func fetchMore() async throws(KafkaClientError) {
        guard !assignment.isEmpty else {
            try? await Task.sleep(for: options.fetch.maxWait)
            return
        }
        fetchPositions.removeAll()
        let starts = Dictionary(uniqueKeysWithValues: assignment.compactMap { p in positions[p].map { (p, $0) } })
        let fetched = try await client.fetch(starts, options: options.fetch)
        var outOfRange: [TopicAndPartition] = []
        var sawRetriable = false
        for partition in assignment {
            guard let result = fetched[partition] else { continue }
            if let error = result.error {
                if error.kafkaError == .offsetOutOfRange {
                    outOfRange.append(partition)
                } else if error.isRetriable {
                    sawRetriable = true
                } else {
                    throw error
                }
                continue
            }
            buffered += result.records
            fetchPositions[partition] = result.nextOffset
        }
        for partition in outOfRange { positions[partition] = nil }
        try await reset(outOfRange)
        if sawRetriable && buffered.isEmpty {
            try? await Task.sleep(for: client.configuration.retryBackoff)
        }
    }
}

extension KafkaClient {
    /// The connection to the group's coordinator, found if not known.
    func coordinatorConnection(for group: String) async throws(KafkaClientError) -> BrokerConnection {
        try await connection(toBroker: try await findCoordinator(group: group))
    }

    func forgetCoordinator(of group: String) { coordinators[group] = nil }
}
