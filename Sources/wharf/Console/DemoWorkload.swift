import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// `wharf console --demo`: a few topics, a small producer and two consumer groups running
/// inside the process, so a newcomer sees rates, lag and segments move. Light on purpose:
/// about 300 records/s in waves (so the sparklines have a shape). Group `billing` (two
/// members) keeps up with `orders` and `payments`; group `analytics` reads `clicks` slowly
/// and catches up once a minute, so its lag saws up and down.
///
/// It uses the engine directly (the replica managers and the group coordinator), the same
/// calls the wire handlers make, and stops before the cluster does.
final class DemoWorkload: Sendable {
    static let topics = [
        NewTopic(name: "orders", numPartitions: 6, replicationFactor: 3),
        NewTopic(name: "payments", numPartitions: 3, replicationFactor: 3),
        NewTopic(name: "clicks", numPartitions: 4, replicationFactor: 2),
    ]
    /// Records per producer tick (10 ticks a second) at the top of a wave.
    private static let recordsPerTick = ["orders": 15, "payments": 5, "clicks": 12]

    private let cluster: Cluster
    private let logger: Logger
    private let queue = DispatchQueue(label: "wharf.demo.producer")
    private let state = NIOLockedValueBox(State())

    /// Unchecked: the Dispatch timer is not marked Sendable; it is only touched under the lock.
    private struct State: @unchecked Sendable {
        var stopped = false
        var timer: (any DispatchSourceTimer)?
        var consumers: [Task<Void, Never>] = []
        var tick = 0
        var nextPartition: [String: Int32] = [:]
    }

    init(cluster: Cluster, logger: Logger) {
        self.cluster = cluster
        self.logger = logger
    }

    /// Creates the demo topics (those that exist are kept) and starts producing and consuming.
    func start() {
        let replication = Int16(min(3, cluster.options.brokerCount))
        let topics = Self.topics.map { topic in
            var topic = topic
            topic.replicationFactor = min(topic.replicationFactor, replication)
            return topic
        }
        for (name, result) in cluster.controller.createTopics(topics) {
            if case .failure(let error) = result, case .topicAlreadyExists = error { continue }
            if case .failure(let error) = result { logger.warning("Demo topic \(name) not created: \(error)") }
        }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.produceTick() }
        timer.resume()
        let members = [
            DemoConsumer(cluster: cluster, groupId: "billing", clientId: "billing-1", topics: ["orders", "payments"], pace: .keepUp),
            DemoConsumer(cluster: cluster, groupId: "billing", clientId: "billing-2", topics: ["orders", "payments"], pace: .keepUp),
            DemoConsumer(cluster: cluster, groupId: "analytics", clientId: "analytics-1", topics: ["clicks"], pace: .lagging),
        ]
        let tasks = members.map { member in Task { await member.run(until: { [weak self] in self?.isStopped ?? true }) } }
        state.withLockedValue {
            $0.timer = timer
            $0.consumers = tasks
        }
        logger.info("Demo workload started: topics \(Self.topics.map(\.name).joined(separator: ", ")), groups billing and analytics")
    }

    var isStopped: Bool { state.withLockedValue { $0.stopped } }

    /// Stops producing, and lets each consumer leave its group; waits for them, but at
    /// most `timeout` (a member waiting in a rebalance would otherwise hold up quitting).
    func stop(timeout: Duration = .seconds(3)) async {
        let (timer, tasks) = state.withLockedValue { state -> ((any DispatchSourceTimer)?, [Task<Void, Never>]) in
            state.stopped = true
            return (state.timer, state.consumers)
        }
        timer?.cancel()
        for task in tasks { task.cancel() }
        let done = NIOLockedValueBox(false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeOnce: @Sendable () -> Void = {
                let first = done.withLockedValue { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume() }
            }
            Task {
                for task in tasks { await task.value }
                resumeOnce()
            }
            Task {
                try? await Task.sleep(for: timeout)
                resumeOnce()
            }
        }
        queue.sync {}  // A produce tick in flight finishes before the cluster stops.
    }

    // MARK: Producer

    private func produceTick() {
        let tick = state.withLockedValue { state -> Int? in
            guard !state.stopped else { return nil }
            state.tick += 1
            return state.tick
        }
        guard let tick else { return }
        // A wave with a period of about 40 s, between 30% and 100% of the peak.
        let wave = 0.65 + 0.35 * sin(Double(tick) / 64)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for topic in Self.topics {
            let count = max(1, Int((Double(Self.recordsPerTick[topic.name] ?? 1) * wave).rounded()))
            guard let partition = nextPartition(topic.name) else { continue }
            let entries = (0..<count).map { index in
                let (key, value) = Self.record(topic: topic.name, sequence: tick * 100 + index)
                return RecordBatch.Entry(key: ByteBuffer(string: key), value: ByteBuffer(string: value), timestamp: now)
            }
            guard let batch = try? RecordBatch(records: entries).encoded(), let leader = cluster.leader(of: partition) else { continue }
            leader.replicaManager.appendRecords(partition, records: batch, requiredAcks: 1, timeoutMs: 5_000) { _ in }
        }
    }

    /// Round-robin over the topic's partitions.
    private func nextPartition(_ topic: String) -> TopicPartition? {
        guard let count = cluster.controller.image.topic(named: topic)?.partitions.count, count > 0 else { return nil }
        let index = state.withLockedValue { state -> Int32 in
            let next = (state.nextPartition[topic] ?? 0) % Int32(count)
            state.nextPartition[topic] = next + 1
            return next
        }
        return TopicPartition(topic, index)
    }

    private static func record(topic: String, sequence: Int) -> (key: String, value: String) {
        let customer = "customer-\(sequence % 37)"
        switch topic {
        case "orders":
            return (customer, #"{"order":\#(sequence),"customer":"\#(customer)","items":\#(sequence % 5 + 1),"total":\#(Double(sequence % 9000) / 100)}"#)
        case "payments":
            return (customer, #"{"payment":\#(sequence),"order":\#(sequence - 3),"method":"\#(["card", "sepa", "wallet"][sequence % 3])"}"#)
        default:
            return ("session-\(sequence % 11)", #"{"page":"/products/\#(sequence % 23)","ms":\#(sequence % 700)}"#)
        }
    }
}

/// One member of a demo consumer group, speaking the classic protocol to the coordinator
/// (join, the leader assigns with the range strategy, sync, then fetch, commit, heartbeat)
/// until told to stop, when it leaves the group.
struct DemoConsumer: Sendable {
    enum Pace: Sendable {
        /// Reads everything each poll.
        case keepUp
        /// Reads a little each poll, and everything for 10 s of every minute.
        case lagging
    }

    let cluster: Cluster
    let groupId: String
    let clientId: String
    let topics: [String]
    let pace: Pace

    func run(until stopped: @escaping @Sendable () -> Bool) async {
        var memberId = ""
        while !stopped() {
            switch await join(memberId: memberId) {
            case .retry(let id):
                memberId = id
                try? await Task.sleep(for: .milliseconds(500))
            case .joined(let id, let generation, let partitions):
                memberId = id
                await consume(memberId: id, generation: generation, partitions: partitions, stopped: stopped)
            }
        }
        if !memberId.isEmpty {
            _ = cluster.groups.leaveGroup(groupId: groupId, members: [LeavingMember(memberId: memberId)])
        }
    }

    private enum JoinOutcome {
        case retry(memberId: String)
        case joined(memberId: String, generation: Int32, partitions: [TopicPartition])
    }

    private func join(memberId: String) async -> JoinOutcome {
        let groups = cluster.groups
        let result = await groups.joinGroup(
            groupId: groupId, memberId: memberId, clientId: clientId, clientHost: "/127.0.0.1", protocolType: "consumer",
            protocols: [MemberProtocol(name: "range", metadata: DemoProtocol.subscription(topics))],
            sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000)
        switch result {
        case .failure(.memberIdRequired(let id)):
            return .retry(memberId: id)
        case .failure:
            return .retry(memberId: "")
        case .success(let joined):
            var assignments: [String: [UInt8]] = [:]
            if joined.leaderId == joined.memberId {
                assignments = DemoProtocol.rangeAssignments(members: joined.members, image: cluster.controller.image)
            }
            let sync = await groups.syncGroup(groupId: groupId, generationId: joined.generationId, memberId: joined.memberId,
                                              protocolType: "consumer", protocolName: "range", assignments: assignments)
            guard case .success(let synced) = sync else { return .retry(memberId: joined.memberId) }
            let partitions = ConsumerProtocolAssignment(decoding: synced.assignment)?.partitions ?? []
            return .joined(memberId: joined.memberId, generation: joined.generationId, partitions: partitions)
        }
    }

    /// Polls every 200 ms until the group rebalances or the demo stops.
    private func consume(memberId: String, generation: Int32, partitions: [TopicPartition],
                         stopped: @Sendable () -> Bool) async {
        let groups = cluster.groups
        var positions: [TopicPartition: Int64] = [:]
        for fetched in groups.fetchOffsets(groupId: groupId, partitions: partitions) where fetched.offset >= 0 {
            positions[fetched.topicPartition] = fetched.offset
        }
        var polls = 0
        while !stopped() {
            polls += 1
            var commits: [TopicPartition: OffsetCommit] = [:]
            for partition in partitions {
                guard let leader = cluster.leader(of: partition) else { continue }
                let start = positions[partition] ?? 0
                let data = await leader.replicaManager.fetch(
                    [FetchPartitionRequest(topicPartition: partition, fetchOffset: start, maxBytes: maxBytes)],
                    maxWaitMs: 0, minBytes: 1, maxBytes: maxBytes)
                guard let result = data.first else { continue }
                var next = start
                // Out of range (retention, a truncation): start again from the log's bounds.
                if result.error != nil, start < result.logStartOffset || start > result.highWatermark {
                    next = start < result.logStartOffset ? result.logStartOffset : result.highWatermark
                }
                var index = result.records.readerIndex
                while let header = RecordBatchHeader.peek(result.records, at: index),
                      index + header.totalSize <= result.records.writerIndex {
                    next = header.lastOffset + 1
                    index += header.totalSize
                }
                if next != start || positions[partition] == nil {
                    positions[partition] = next
                    commits[partition] = OffsetCommit(offset: next)
                }
            }
            if !commits.isEmpty {
                if case .failure = groups.commitOffsets(groupId: groupId, generationId: generation, memberId: memberId,
                                                        offsets: commits) { return }
            }
            if polls % 5 == 0,
               case .failure = groups.heartbeat(groupId: groupId, memberId: memberId, generationId: generation) { return }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Bytes per partition per poll: the lagging consumer reads a trickle for 50 s of every
    /// minute, then catches up.
    private var maxBytes: Int {
        guard pace == .lagging else { return 256 * 1024 }
        let second = Int(Date().timeIntervalSince1970) % 60
        return second >= 50 ? 256 * 1024 : 1
    }
}

/// The consumer protocol's bytes (ConsumerProtocolSubscription v1 and Assignment v0, the
/// layouts `ConsumerProtocolSubscription`/`Assignment` decode) and the range assignor.
enum DemoProtocol {
    static func subscription(_ topics: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        append(Int16(1), to: &bytes)
        append(Int32(topics.count), to: &bytes)
        for topic in topics { append(topic, to: &bytes) }
        append(Int32(-1), to: &bytes)  // user data: null
        append(Int32(0), to: &bytes)   // owned partitions: none
        return bytes
    }

    static func assignment(_ partitions: [TopicPartition]) -> [UInt8] {
        var bytes: [UInt8] = []
        append(Int16(0), to: &bytes)
        let byTopic = Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }
        append(Int32(byTopic.count), to: &bytes)
        for (topic, list) in byTopic {
            append(topic, to: &bytes)
            append(Int32(list.count), to: &bytes)
            for partition in list.sorted() { append(partition.partition, to: &bytes) }
        }
        append(Int32(-1), to: &bytes)
        return bytes
    }

    /// Kafka's RangeAssignor: per topic, members sorted by id take contiguous ranges, the
    /// first ones one partition more when it does not divide evenly.
    static func rangeAssignments(members: [JoinedMember], image: MetadataImage) -> [String: [UInt8]] {
        let subscriptions = members.map { ($0.memberId, ConsumerProtocolSubscription(decoding: $0.metadata)?.topics ?? []) }
        var assigned: [String: [TopicPartition]] = Dictionary(uniqueKeysWithValues: members.map { ($0.memberId, []) })
        let topics = Set(subscriptions.flatMap(\.1)).sorted()
        for topic in topics {
            let count = image.topic(named: topic)?.partitions.count ?? 0
            let consumers = subscriptions.filter { $0.1.contains(topic) }.map(\.0).sorted()
            guard !consumers.isEmpty, count > 0 else { continue }
            let share = count / consumers.count, extra = count % consumers.count
            var next = 0
            for (index, member) in consumers.enumerated() {
                let take = share + (index < extra ? 1 : 0)
                assigned[member, default: []] += (next..<next + take).map { TopicPartition(topic, Int32($0)) }
                next += take
            }
        }
        return assigned.mapValues { assignment($0) }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private static func append(_ string: String, to bytes: inout [UInt8]) {
        append(Int16(string.utf8.count), to: &bytes)
        bytes.append(contentsOf: string.utf8)
    }
}
