import KafkaProtocol
import Logging
import NIOCore
import NIOPosix

/// How a `KafkaClient` connects and retries.
public struct KafkaClientConfiguration: Sendable {
    /// Where to get the first metadata from; any one answering is enough.
    public var bootstrapServers: [BrokerAddress]
    /// The `client.id` sent in every request header.
    public var clientId: String = "wharf"
    public var connectTimeout: Duration = .seconds(10)
    /// How long to wait for any answer (requests the broker holds on purpose get their
    /// hold time on top).
    public var requestTimeout: Duration = .seconds(30)
    /// How many times a request failing with a retriable error is retried, after a
    /// metadata refresh and a growing back-off.
    public var retries: Int = 8
    public var retryBackoff: Duration = .milliseconds(100)

    public init(bootstrapServers: [BrokerAddress]) {
        self.bootstrapServers = bootstrapServers
    }

    /// From a `host:port[,host:port…]` list.
    public init(bootstrap: String) throws(KafkaClientError) {
        self.init(bootstrapServers: try BrokerAddress.parseList(bootstrap))
    }
}

/// An async Kafka client for any Kafka-compatible cluster: bootstrap, a metadata cache,
/// requests routed to partition leaders and group coordinators, bounded retries on
/// retriable errors. One connection per broker, shared by all calls, with requests
/// pipelined on it.
///
/// The data path is in `KafkaClient+Produce`, `+Fetch` and `+ListOffsets`; topic and
/// config admin in `+Topics`; groups in `+Groups`; a group member in `GroupConsumer`.
public actor KafkaClient {
    public let configuration: KafkaClientConfiguration
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup

    private var connections: [BrokerAddress: Task<BrokerConnection, any Error>] = [:]
    var brokers: [Int32: BrokerMetadata] = [:]
    private(set) var topicCache: [String: TopicMetadata] = [:]
    private(set) var controllerId: Int32 = -1
    private(set) var clusterId: String?
    var coordinators: [String: Int32] = [:]
    private var metadataIsStale = true
    private var isClosed = false
    /// The partitioner's memory: the sticky partition for null keys, the round-robin counter.
    var stickyPartitions: [String: Int32] = [:]
    var roundRobinCounters: [String: Int] = [:]

    public init(configuration: KafkaClientConfiguration, logger: Logger = Logger(label: "wharf.client"),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// A client for `host:port[,host:port…]` with default settings.
    public init(bootstrap: String, clientId: String = "wharf") throws(KafkaClientError) {
        var configuration = try KafkaClientConfiguration(bootstrap: bootstrap)
        configuration.clientId = clientId
        self.init(configuration: configuration)
    }

    /// Closes every connection; later calls fail with `closed`.
    public func close() async {
        isClosed = true
        let tasks = connections.values
        connections.removeAll()
        for task in tasks {
            if let connection = try? await task.value { connection.close() }
        }
    }

    // MARK: Connections

    /// The connection to `address`, made (and versions negotiated) on first use and
    /// replaced when it has closed.
    func connection(to address: BrokerAddress) async throws(KafkaClientError) -> BrokerConnection {
        guard !isClosed else { throw .closed }
        if let task = connections[address] {
            if let connection = try? await task.value, connection.isActive { return connection }
            if connections[address] == task { connections[address] = nil }
        }
        let configuration = configuration, group = eventLoopGroup
        let task = Task<BrokerConnection, any Error> {
            try await BrokerConnection.connect(to: address, clientId: configuration.clientId,
                                               connectTimeout: configuration.connectTimeout,
                                               requestTimeout: configuration.requestTimeout, group: group)
        }
        connections[address] = task
        do {
            return try await task.value
        } catch {
            if connections[address] == task { connections[address] = nil }
            throw (error as? KafkaClientError) ?? .connectionFailed(address: address.description, reason: "\(error)")
        }
    }

    /// The connection to broker `nodeId`, as the metadata places it.
    func connection(toBroker nodeId: Int32) async throws(KafkaClientError) -> BrokerConnection {
        if brokers[nodeId] == nil { try await refreshMetadata() }
        guard let broker = brokers[nodeId] else {
            throw .kafka(.brokerNotAvailable, context: "broker \(nodeId) is not in the cluster metadata", message: nil)
        }
        do {
            return try await connection(to: broker.address)
        } catch {
            guard case .connectionFailed(let address, let reason) = error else { throw error }
            throw .brokerUnreachable(nodeId: nodeId, address: address, reason: reason)
        }
    }

    /// Any live broker: a connected one first, then the known brokers, then the bootstrap
    /// list. Fails with the first connection error when none answers.
    func anyConnection() async throws(KafkaClientError) -> BrokerConnection {
        guard !isClosed else { throw .closed }
        for task in connections.values {
            if let connection = try? await task.value, connection.isActive { return connection }
        }
        var candidates = brokers.values.sorted { $0.nodeId < $1.nodeId }.map(\.address)
        for address in configuration.bootstrapServers where !candidates.contains(address) { candidates.append(address) }
        var firstError: KafkaClientError?
        for address in candidates {
            do {
                return try await connection(to: address)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? .invalidArgument("no bootstrap servers given")
    }

    /// The API versions broker `nodeId` (or any broker) negotiated.
    public func apiVersions(broker nodeId: Int32? = nil) async throws(KafkaClientError) -> ApiVersionTable {
        let connection = if let nodeId { try await connection(toBroker: nodeId) } else { try await anyConnection() }
        return connection.versions
    }

    // MARK: Metadata

    /// Asks any broker for metadata of `topics` (nil: every topic) and updates the cache.
    /// Topic errors (UNKNOWN_TOPIC_OR_PARTITION, …) are returned in `TopicMetadata.error`.
    public func metadata(topics: [String]? = nil, allowAutoTopicCreation: Bool = false) async throws(KafkaClientError) -> ClusterMetadata {
        let connection = try await anyConnection()
        let request = MetadataRequest(
            topics: topics.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } },
            allowAutoTopicCreation: allowAutoTopicCreation)
        let response = try await connection.send(request)
        try KafkaClientError.check(response.errorCode, "Metadata from \(connection.address)")
        let metadata = ClusterMetadata(response)
        brokers = Dictionary(metadata.brokers.map { ($0.nodeId, $0) }, uniquingKeysWith: { a, _ in a })
        controllerId = metadata.controllerId
        clusterId = metadata.clusterId
        if topics == nil { topicCache.removeAll() }
        for topic in metadata.topics {
            if topic.error == nil { topicCache[topic.name] = topic } else { topicCache[topic.name] = nil }
        }
        metadataIsStale = false
        return metadata
    }

    /// Refreshes brokers and the cached topics.
    func refreshMetadata() async throws(KafkaClientError) {
        let known = Array(topicCache.keys)
        _ = try await metadata(topics: known)
    }

    /// Marks the cache stale: the next lookup asks a broker again.
    func invalidateMetadata() { metadataIsStale = true }

    /// The topic's metadata from the cache, or a broker. Throws the topic's error
    /// (UNKNOWN_TOPIC_OR_PARTITION at once); LEADER_NOT_AVAILABLE, as right after
    /// creation, is retried.
    public func topicMetadata(_ topic: String, allowAutoTopicCreation: Bool = false) async throws(KafkaClientError) -> TopicMetadata {
        try await retrying(except: [.unknownTopicOrPartition]) { () async throws(KafkaClientError) -> TopicMetadata in
            try await self.lookUpTopic(topic, allowAutoTopicCreation: allowAutoTopicCreation)
        }
    }

    /// One attempt: the cache when fresh, else a Metadata request.
    private func lookUpTopic(_ topic: String, allowAutoTopicCreation: Bool = false) async throws(KafkaClientError) -> TopicMetadata {
        if !metadataIsStale, let cached = topicCache[topic] { return cached }
        let metadata = try await self.metadata(topics: [topic], allowAutoTopicCreation: allowAutoTopicCreation)
        guard let found = metadata.topic(topic) else {
            throw .kafka(.unknownTopicOrPartition, context: "topic '\(topic)'", message: nil)
        }
        if let error = found.error {
            throw .kafka(error, context: "topic '\(topic)'", message: error == .unknownTopicOrPartition ? "the topic does not exist" : nil)
        }
        return found
    }

    /// The leader of `partition`, retrying (with a metadata refresh) while it has none.
    func leader(of partition: TopicAndPartition) async throws(KafkaClientError) -> Int32 {
        try await retrying(except: [.unknownTopicOrPartition]) { () async throws(KafkaClientError) -> Int32 in
            let topic = try await self.lookUpTopic(partition.topic)
            guard let found = topic.partitions.first(where: { $0.partition == partition.partition }) else {
                throw .kafka(.unknownTopicOrPartition, context: "topic '\(partition.topic)' partition \(partition.partition)",
                             message: "the topic has \(topic.partitions.count) partitions")
            }
            guard found.leader >= 0 else {
                throw .kafka(found.error ?? .leaderNotAvailable, context: "\(partition)", message: nil)
            }
            return found.leader
        }
    }

    /// Groups `partitions` by their leader.
    func partitionsByLeader(_ partitions: some Sequence<TopicAndPartition>) async throws(KafkaClientError) -> [Int32: [TopicAndPartition]] {
        var byLeader: [Int32: [TopicAndPartition]] = [:]
        for partition in partitions { byLeader[try await leader(of: partition), default: []].append(partition) }
        return byLeader
    }

    // MARK: Retries

    /// Runs `body`, retrying retriable failures up to `configuration.retries` times with
    /// a growing back-off and a metadata refresh in between.
    func retrying<T>(except notRetried: Set<KafkaError> = [],
                     _ body: () async throws(KafkaClientError) -> T) async throws(KafkaClientError) -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch {
                guard error.isRetriable, attempt < configuration.retries, !isClosed,
                      !(error.kafkaError.map(notRetried.contains) ?? false) else { throw error }
                attempt += 1
                logger.debug("retrying after \(error) (attempt \(attempt))")
                invalidateMetadata()
                try? await Task.sleep(for: configuration.retryBackoff * min(attempt, 10))
            }
        }
    }
}

extension ClusterMetadata {
    init(_ response: MetadataResponse) {
        self.init(
            clusterId: response.clusterId, controllerId: response.controllerId,
            brokers: response.brokers.map {
                BrokerMetadata(nodeId: $0.nodeId, host: $0.host, port: Int($0.port), rack: $0.rack)
            }.sorted { $0.nodeId < $1.nodeId },
            topics: response.topics.map { topic in
                TopicMetadata(
                    name: topic.name ?? "", topicId: topic.topicId, isInternal: topic.isInternal,
                    partitions: topic.partitions.map {
                        PartitionMetadata(partition: $0.partitionIndex, leader: $0.leaderId, leaderEpoch: $0.leaderEpoch,
                                          replicas: $0.replicaNodes, isr: $0.isrNodes, offlineReplicas: $0.offlineReplicas,
                                          error: $0.errorCode == 0 ? nil : KafkaError(code: $0.errorCode))
                    }.sorted { $0.partition < $1.partition },
                    error: topic.errorCode == 0 ? nil : KafkaError(code: topic.errorCode))
            })
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds since the epoch (record timestamps, durations back from now).
public func currentTimeMillis() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
