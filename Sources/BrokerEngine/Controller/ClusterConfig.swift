import LogStore

/// Cluster-wide settings the controller uses, with Kafka's broker config names and defaults
/// (`ServerLogConfigs`, `ReplicationConfigs`, `KRaftConfigs`). A value type; thread-safe.
public struct ClusterConfig: Hashable, Sendable {
    /// `auto.create.topics.enable`: Metadata and Produce may create unknown topics.
    public var autoCreateTopicsEnable = true
    /// `num.partitions`: partitions of an auto-created topic (and of CreateTopics with -1).
    public var numPartitions: Int32 = 1
    /// `default.replication.factor`: of auto-created topics (and of CreateTopics with -1).
    public var defaultReplicationFactor: Int16 = 1
    /// `unclean.leader.election.enable`: the default for topics without an override.
    public var uncleanLeaderElectionEnable = false
    /// `broker.session.timeout.ms`: a broker silent this long is fenced.
    public var brokerSessionTimeoutMs: Int64 = 9_000
    /// `auto.leader.rebalance.enable`: restore preferred leaders after an unfence and every
    /// `leader.imbalance.check.interval.seconds`.
    public var autoLeaderRebalanceEnable = true
    /// `leader.imbalance.check.interval.seconds` × 1000.
    public var leaderImbalanceCheckIntervalMs: Int64 = 300_000
    /// Producer ids per `allocateProducerIds` block (Kafka's `ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE`).
    public var producerIdBlockSize: Int64 = 1_000

    public init() {}
}

/// The topic configs Kafka knows beyond those `LogConfig` interprets, with their defaults
/// and validation (`LogConfig.configDef` in Kafka). Topic configs are validated against
/// the union, so an unknown name is refused as Kafka refuses it.
enum TopicConfigCatalog {
    enum Kind { case boolean, long(min: Int64), int(min: Int64, max: Int64), ratio, list, choice([String]) }

    struct Definition {
        let kind: Kind
        let defaultValue: String
    }

    static let extra: [String: Definition] = [
        "compression.type": Definition(kind: .choice(["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
                                       defaultValue: "producer"),
        "compression.gzip.level": Definition(kind: .int(min: -1, max: 9), defaultValue: "-1"),
        "compression.lz4.level": Definition(kind: .int(min: 1, max: 17), defaultValue: "9"),
        "compression.zstd.level": Definition(kind: .int(min: -131_072, max: 22), defaultValue: "3"),
        "unclean.leader.election.enable": Definition(kind: .boolean, defaultValue: "false"),
        "delete.retention.ms": Definition(kind: .long(min: 0), defaultValue: "86400000"),
        "min.compaction.lag.ms": Definition(kind: .long(min: 0), defaultValue: "0"),
        "max.compaction.lag.ms": Definition(kind: .long(min: 1), defaultValue: String(Int64.max)),
        "min.cleanable.dirty.ratio": Definition(kind: .ratio, defaultValue: "0.5"),
        "preallocate": Definition(kind: .boolean, defaultValue: "false"),
        "message.timestamp.before.max.ms": Definition(kind: .long(min: 0), defaultValue: String(Int64.max)),
        "message.timestamp.after.max.ms": Definition(kind: .long(min: 0), defaultValue: String(Int64.max)),
        "follower.replication.throttled.replicas": Definition(kind: .list, defaultValue: ""),
        "leader.replication.throttled.replicas": Definition(kind: .list, defaultValue: ""),
        "local.retention.ms": Definition(kind: .long(min: -2), defaultValue: "-2"),
        "local.retention.bytes": Definition(kind: .long(min: -2), defaultValue: "-2"),
        "remote.storage.enable": Definition(kind: .boolean, defaultValue: "false"),
    ]

    /// Configs whose value is a comma-separated list (APPEND/SUBTRACT apply to them only).
    static let listConfigs: Set<String> = [
        "cleanup.policy", "follower.replication.throttled.replicas", "leader.replication.throttled.replicas",
    ]

    static var allNames: [String] { (LogConfig.knownKeys + extra.keys).sorted() }

    static func isKnown(_ name: String) -> Bool { extra[name] != nil || LogConfig.knownKeys.contains(name) }

    /// Every topic config's default in Kafka's string form.
    static func defaults(cluster: ClusterConfig) -> [String: String] {
        var result = LogConfig().properties
        for (name, definition) in extra { result[name] = definition.defaultValue }
        result["unclean.leader.election.enable"] = String(cluster.uncleanLeaderElectionEnable)
        return result
    }

    /// Checks a full set of overrides: names must be known; `LogConfig` checks its own keys,
    /// the catalog the rest. The message names the key and value, as Kafka's ConfigException.
    static func validate(_ overrides: [String: String]) throws(ControllerError) {
        for name in overrides.keys.sorted() where !isKnown(name) {
            throw .invalidConfig("Unknown topic config name: \(name)")
        }
        do {
            _ = try LogConfig(properties: overrides.filter { extra[$0.key] == nil })
        } catch {
            throw .invalidConfig("\(error)")
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let definition = extra[name] else { continue }
            if let reason = problem(value, definition.kind) {
                throw .invalidConfig("Invalid value \(value) for configuration \(name): \(reason)")
            }
        }
    }

    private static func problem(_ value: String, _ kind: Kind) -> String? {
        let trimmed = value.trimmingSpaces
        switch kind {
        case .boolean:
            return ["true", "false"].contains(trimmed.lowercased()) ? nil : "Expected value to be either true or false"
        case .long(let minimum):
            guard let number = Int64(trimmed) else { return "Not a number of type LONG" }
            return number >= minimum ? nil : "Value must be at least \(minimum)"
        case .int(let minimum, let maximum):
            guard let number = Int64(trimmed), number <= Int64(Int32.max), number >= Int64(Int32.min) else {
                return "Not a number of type INT"
            }
            return (minimum...maximum).contains(number) ? nil : "Value must be in [\(minimum), \(maximum)]"
        case .ratio:
            guard let number = Double(trimmed) else { return "Not a number of type DOUBLE" }
            return (0...1).contains(number) ? nil : "Value must be in [0, 1]"
        case .list:
            return nil
        case .choice(let allowed):
            return allowed.contains(trimmed) ? nil : "String must be one of: \(allowed.joined(separator: ", "))"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
