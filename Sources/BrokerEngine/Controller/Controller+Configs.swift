/// One IncrementalAlterConfigs operation (KIP-339): SET, DELETE (back to the default),
/// APPEND and SUBTRACT (list configs only: items added or removed, duplicates ignored).
public enum AlterConfigOp: Hashable, Sendable {
    case set(String, String)
    case delete(String)
    case append(String, String)
    case subtract(String, String)

    public var name: String {
        switch self {
        case .set(let name, _), .delete(let name), .append(let name, _), .subtract(let name, _): return name
        }
    }
}

/// Where a described config's value comes from (Kafka's `DescribeConfigsResponse.ConfigSource`).
public enum ConfigSource: Int8, Hashable, Sendable {
    /// DYNAMIC_TOPIC_CONFIG (1): the topic's override.
    case dynamicTopicConfig = 1
    /// STATIC_BROKER_CONFIG (4): the cluster's setting (`ClusterOptions`) differs from Kafka's default.
    case staticBrokerConfig = 4
    /// DEFAULT_CONFIG (5): Kafka's default.
    case defaultConfig = 5
}

/// A config's data type (Kafka's `DescribeConfigsResponse.ConfigType`, DescribeConfigs v3+).
public enum ConfigType: Int8, Hashable, Sendable {
    case unknown = 0, boolean = 1, string = 2, int = 3, short = 4, long = 5, double = 6, list = 7, `class` = 8, password = 9
}

/// One place a config's value may come from, in precedence order (Kafka's synonyms: the
/// topic override, then the broker config it defaults to).
public struct ConfigSynonym: Hashable, Sendable {
    public var name: String
    public var value: String?
    public var source: ConfigSource

    public init(name: String, value: String?, source: ConfigSource) {
        self.name = name
        self.value = value
        self.source = source
    }
}

/// One entry of DescribeConfigs for a topic or a broker.
public struct ConfigEntry: Hashable, Sendable {
    public var name: String
    public var value: String?
    public var source: ConfigSource
    /// No topic or broker config described here is a password, so this is always false
    /// (Kafka hides sensitive values by returning null).
    public var isSensitive: Bool
    /// False for topic configs; true for broker configs, which the in-process cluster fixes
    /// when it starts.
    public var isReadOnly: Bool
    public var type: ConfigType = .unknown
    /// Where the value comes from, the winning source first; empty for Kafka's own default
    /// of a config without a broker-level synonym.
    public var synonyms: [ConfigSynonym] = []
    /// One line on what the config does.
    public var documentation: String?
    public var isDefault: Bool { source != .dynamicTopicConfig }
}

extension Controller {
    /// AlterConfigs (the legacy, non-incremental API): the topic's overrides become exactly
    /// `configs`; names left out go back to their defaults. Validated as a whole first.
    public func alterConfigs(topic: String, _ configs: [String: String], validateOnly: Bool = false) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            let current = try overridesLocked(topic)
            try TopicConfigCatalog.validate(configs)
            guard !validateOnly else { return }
            try commitConfigChangesLocked(topic: topic, from: current, to: configs)
        }
    }

    /// IncrementalAlterConfigs: applies the operations in order to the topic's overrides,
    /// validates the result and commits only what changed. A name may appear once
    /// (Kafka: "Error due to duplicate config keys"), APPEND/SUBTRACT need a list config.
    public func incrementalAlterConfigs(topic: String, _ ops: [AlterConfigOp], validateOnly: Bool = false) throws(ControllerError) {
        try withController { () throws(ControllerError) in
            let current = try overridesLocked(topic)
            let names = ops.map(\.name)
            guard Set(names).count == names.count else { throw .invalidRequest("Error due to duplicate config keys") }
            let defaults = TopicConfigCatalog.defaults(cluster: config)
            var next = current
            for op in ops {
                guard TopicConfigCatalog.isKnown(op.name) else { throw .invalidConfig("Unknown topic config name: \(op.name)") }
                switch op {
                case let .set(name, value):
                    next[name] = value
                case let .delete(name):
                    next[name] = nil
                case let .append(name, value), let .subtract(name, value):
                    guard TopicConfigCatalog.listConfigs.contains(name) else {
                        let verb = if case .append = op { "append" } else { "subtract" }
                        throw .invalidConfig("Config value \(verb) is not allowed for config key: \(name)")
                    }
                    var items = Self.listItems(next[name] ?? defaults[name] ?? "")
                    let changes = Self.listItems(value)
                    if case .append = op {
                        for item in changes where !items.contains(item) { items.append(item) }
                    } else {
                        items.removeAll(where: changes.contains)
                    }
                    next[name] = items.joined(separator: ",")
                }
            }
            try TopicConfigCatalog.validate(next)
            guard !validateOnly else { return }
            try commitConfigChangesLocked(topic: topic, from: current, to: next)
        }
    }

    /// DescribeConfigs for a topic: every topic config, its value (override, else default),
    /// where the value comes from, and its sensitivity, sorted by name.
    public func describeConfigs(topic: String) throws(ControllerError) -> [ConfigEntry] {
        let image = image
        guard image.topic(named: topic) != nil else {
            throw .unknownTopicOrPartition("This server does not host this topic-partition.")
        }
        return effectiveTopicConfigs(overrides: image.topicConfig(topic))
    }

    /// Every topic config as a topic with these overrides has it (Kafka's
    /// `computeEffectiveTopicConfigs`, which CreateTopics v5+ returns, even for validateOnly):
    /// the value, its source, its type, its synonyms — the override (DYNAMIC_TOPIC_CONFIG),
    /// then the broker config it falls back to (Kafka's `ServerTopicConfigSynonyms`), as
    /// STATIC_BROKER_CONFIG when the cluster changed it, else DEFAULT_CONFIG — and its doc.
    public func effectiveTopicConfigs(overrides: [String: String]) -> [ConfigEntry] {
        let defaults = TopicConfigCatalog.defaults(cluster: config)
        let kafkaDefaults = TopicConfigCatalog.defaults(cluster: ClusterConfig())
        return TopicConfigCatalog.allNames.map { name in
            var synonyms: [ConfigSynonym] = []
            if let value = overrides[name] { synonyms.append(ConfigSynonym(name: name, value: value, source: .dynamicTopicConfig)) }
            let defaultSource: ConfigSource = defaults[name] != kafkaDefaults[name] ? .staticBrokerConfig : .defaultConfig
            if let broker = TopicConfigCatalog.brokerSynonym(name, value: defaults[name]) {
                synonyms.append(ConfigSynonym(name: broker.name, value: broker.value, source: defaultSource))
            }
            return ConfigEntry(name: name, value: overrides[name] ?? defaults[name],
                               source: synonyms.first?.source ?? defaultSource, isSensitive: false, isReadOnly: false,
                               type: TopicConfigCatalog.type(of: name), synonyms: synonyms,
                               documentation: TopicConfigCatalog.documentation[name])
        }
    }

    private func overridesLocked(_ topic: String) throws(ControllerError) -> [String: String] {
        guard state.topic(named: topic) != nil else {
            throw .unknownTopicOrPartition("This server does not host this topic-partition.")
        }
        return state.topicConfig(topic)
    }

    private func commitConfigChangesLocked(topic: String, from current: [String: String], to next: [String: String]) throws(ControllerError) {
        var records: [MetadataRecord] = []
        for name in Set(current.keys).union(next.keys).sorted() where current[name] != next[name] {
            records.append(.config(resource: .topic(topic), name: name, value: next[name]))
        }
        try commitLocked(records)
        if !records.isEmpty { logger.info("Altered \(records.count) configs of topic \(topic)") }
        // Enabling unclean election lets offline partitions elect now (KRaft checks
        // leaderless partitions when the config changes).
        if current["unclean.leader.election.enable"] != next["unclean.leader.election.enable"] {
            try electLeadersLocked(preferred: false)
        }
    }

    static func listItems(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }
}
