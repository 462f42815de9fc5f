import KafkaProtocol

/// A topic CreateTopics made.
public struct CreateTopicResult: Hashable, Sendable {
    public var name: String
    public var topicId: KafkaUUID
    public var partitionCount: Int32
    public var replicationFactor: Int16
}

/// Where a config value comes from (DescribeConfigs' `ConfigValueSource`).
public enum ConfigValueSource: Int8, Sendable, Hashable {
    case unknown = 0
    case dynamicTopic = 1
    case dynamicBroker = 2
    case dynamicDefaultBroker = 3
    case staticBroker = 4
    case `default` = 5
    case dynamicBrokerLogger = 6
    case clientMetrics = 7
    case group = 8
}

/// One config of a topic or broker.
public struct ConfigDescription: Hashable, Sendable {
    public var name: String
    /// nil for sensitive values.
    public var value: String?
    public var source: ConfigValueSource
    public var isReadOnly: Bool
    public var isSensitive: Bool

    public init(name: String, value: String?, source: ConfigValueSource, isReadOnly: Bool = false, isSensitive: Bool = false) {
        self.name = name
        self.value = value
        self.source = source
        self.isReadOnly = isReadOnly
        self.isSensitive = isSensitive
    }

    /// Kafka's built-in default, not set anywhere.
    public var isDefault: Bool { source == .default }
}

/// DescribeConfigs' resource types.
public enum ConfigResourceType: Int8, Sendable, Hashable {
    case topic = 2
    case broker = 4
}

extension KafkaClient {
    /// Creates a topic. nil partitions or replication factor leave it to the broker's
    /// `num.partitions` / `default.replication.factor`.
    @discardableResult
    public func createTopic(_ name: String, partitions: Int32? = nil, replicationFactor: Int16? = nil,
                            configs: [(String, String)] = [], validateOnly: Bool = false) async throws(KafkaClientError) -> CreateTopicResult {
        let topic = CreateTopicsRequest.CreatableTopic(
            name: name, numPartitions: partitions ?? -1, replicationFactor: replicationFactor ?? -1,
            configs: configs.map { CreateTopicsRequest.CreatableTopicConfig(name: $0.0, value: $0.1) })
        let request = CreateTopicsRequest(topics: [topic], timeoutMs: Int32(clamping: configuration.requestTimeout.milliseconds),
                                          validateOnly: validateOnly)
        return try await retrying { () async throws(KafkaClientError) -> CreateTopicResult in
            let connection = try await self.controllerConnection()
            let response = try await connection.send(request)
            guard let result = response.topics.first(where: { $0.name == name }) else {
                throw .malformedResponse(address: connection.address.description, api: "CreateTopics", reason: "no result for '\(name)'")
            }
            try KafkaClientError.check(result.errorCode, "creating topic '\(name)'", message: result.errorMessage)
            self.invalidateMetadata()
            return CreateTopicResult(name: name, topicId: result.topicId, partitionCount: result.numPartitions,
                                replicationFactor: result.replicationFactor)
        }
    }

    /// Deletes topics; the first failure is thrown (UNKNOWN_TOPIC_OR_PARTITION for a
    /// topic that does not exist).
    public func deleteTopics(_ names: [String]) async throws(KafkaClientError) {
        let request = DeleteTopicsRequest(topics: names.map { DeleteTopicsRequest.DeleteTopicState(name: $0) }, topicNames: names,
                                          timeoutMs: Int32(clamping: configuration.requestTimeout.milliseconds))
        try await retrying { () async throws(KafkaClientError) in
            let connection = try await self.controllerConnection()
            let response = try await connection.send(request)
            self.invalidateMetadata()
            for name in names {
                guard let result = response.responses.first(where: { $0.name == name }) else { continue }
                try KafkaClientError.check(result.errorCode, "deleting topic '\(name)'", message: result.errorMessage)
            }
        }
    }

    /// Grows `topic` to `totalCount` partitions.
    public func createPartitions(topic: String, totalCount: Int32) async throws(KafkaClientError) {
        let request = CreatePartitionsRequest(
            topics: [CreatePartitionsRequest.CreatePartitionsTopic(name: topic, count: totalCount, assignments: nil)],
            timeoutMs: Int32(clamping: configuration.requestTimeout.milliseconds))
        try await retrying { () async throws(KafkaClientError) in
            let connection = try await self.controllerConnection()
            let response = try await connection.send(request)
            self.invalidateMetadata()
            guard let result = response.results.first(where: { $0.name == topic }) else { return }
            try KafkaClientError.check(result.errorCode, "adding partitions to topic '\(topic)'", message: result.errorMessage)
        }
    }

    /// Metadata of `topics` (nil: all), sorted by name; a missing topic throws
    /// UNKNOWN_TOPIC_OR_PARTITION.
    public func describeTopics(_ topics: [String]? = nil) async throws(KafkaClientError) -> [TopicMetadata] {
        let metadata = try await metadata(topics: topics)
        for topic in metadata.topics {
            if let error = topic.error {
                throw .kafka(error, context: "topic '\(topic.name)'",
                             message: error == .unknownTopicOrPartition ? "the topic does not exist" : nil)
            }
        }
        return metadata.topics.sorted { $0.name < $1.name }
    }

    /// Every topic name, sorted; internal topics (`__consumer_offsets`) unless left out.
    public func listTopics(includeInternal: Bool = true) async throws(KafkaClientError) -> [String] {
        try await metadata(topics: nil).topics.filter { $0.error == nil && (includeInternal || !$0.isInternal) }.map(\.name).sorted()
    }

    /// The configs of a topic or broker.
    public func describeConfigs(_ type: ConfigResourceType, name: String) async throws(KafkaClientError) -> [ConfigDescription] {
        let request = DescribeConfigsRequest(resources: [
            DescribeConfigsRequest.DescribeConfigsResource(resourceType: type.rawValue, resourceName: name, configurationKeys: nil),
        ])
        return try await retrying { () async throws(KafkaClientError) -> [ConfigDescription] in
            let connection = if type == .broker, let id = Int32(name) {
                try await self.connection(toBroker: id)
            } else {
                try await self.anyConnection()
            }
            let response = try await connection.send(request)
            guard let result = response.results.first else {
                throw .malformedResponse(address: connection.address.description, api: "DescribeConfigs", reason: "no result")
            }
            try KafkaClientError.check(result.errorCode, "describing configs of \(type == .topic ? "topic" : "broker") '\(name)'",
                                       message: result.errorMessage)
            return result.configs.map {
                ConfigDescription(name: $0.name, value: $0.value, source: ConfigValueSource(rawValue: $0.configSource) ?? .unknown,
                            isReadOnly: $0.readOnly, isSensitive: $0.isSensitive)
            }.sorted { $0.name < $1.name }
        }
    }

    /// Sets and removes topic configs: IncrementalAlterConfigs when the broker has it,
    /// else AlterConfigs with the topic's other dynamic configs carried over (AlterConfigs
    /// replaces the whole set).
    public func alterTopicConfigs(_ topic: String, set: [(String, String)] = [], delete: [String] = []) async throws(KafkaClientError) {
        try await retrying { () async throws(KafkaClientError) in
            let connection = try await self.anyConnection()
            let context = "altering configs of topic '\(topic)'"
            if connection.versions.supports(.incrementalAlterConfigs) {
                typealias Config = IncrementalAlterConfigsRequest.AlterableConfig
                let configs = set.map { Config(name: $0.0, configOperation: 0, value: $0.1) }
                    + delete.map { Config(name: $0, configOperation: 1, value: nil) }
                let response = try await connection.send(IncrementalAlterConfigsRequest(resources: [
                    .init(resourceType: ConfigResourceType.topic.rawValue, resourceName: topic, configs: configs),
                ]))
                for result in response.responses {
                    try KafkaClientError.check(result.errorCode, context, message: result.errorMessage)
                }
                return
            }
            var values: [String: String] = [:]
            for entry in try await self.describeConfigs(.topic, name: topic) where entry.source == .dynamicTopic {
                if let value = entry.value { values[entry.name] = value }
            }
            for (name, value) in set { values[name] = value }
            for name in delete { values[name] = nil }
            let response = try await connection.send(AlterConfigsRequest(resources: [
                .init(resourceType: ConfigResourceType.topic.rawValue, resourceName: topic,
                      configs: values.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) }),
            ]))
            for result in response.responses {
                try KafkaClientError.check(result.errorCode, context, message: result.errorMessage)
            }
        }
    }

    /// The controller Metadata names (brokers forward to the real one in KRaft), else any broker.
    func controllerConnection() async throws(KafkaClientError) -> BrokerConnection {
        if controllerId < 0 { _ = try await metadata(topics: []) }
        if controllerId >= 0, brokers[controllerId] != nil { return try await connection(toBroker: controllerId) }
        return try await anyConnection()
    }
}
