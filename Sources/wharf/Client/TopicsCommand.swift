import ArgumentParser
import KafkaClient

/// `wharf topics`: kafka-topics.sh (and kafka-configs.sh for topic configs) against any cluster.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List, describe, create, delete and alter topics on any Kafka cluster.",
        subcommands: [List.self, Describe.self, Create.self, Delete.self, Alter.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every topic name, one a line.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .customLong("exclude-internal"), help: "Leave out internal topics (__consumer_offsets).")
        var excludeInternal = false

        func run() async throws {
            try await runClientCommand("topics list", connection: connection) { client in
                let names = try await client.listTopics(includeInternal: !excludeInternal)
                StandardStreams.write(names.map { $0 + "\n" }.joined())
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe topics as kafka-topics.sh --describe does.",
            discussion: """
                One line per topic (Topic, TopicId, PartitionCount, ReplicationFactor and the \
                configs not at their defaults), then one tab-indented line per partition \
                (Leader, Replicas, Isr, and Offline when a replica is offline).
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("topic"), help: "A topic to describe (repeatable); all topics when left out.")
        var topics: [String] = []
        @Flag(name: .customLong("exclude-internal"), help: "Leave out internal topics when describing all.")
        var excludeInternal = false

        func run() async throws {
            try await runClientCommand("topics describe", connection: connection) { client in
                var described = try await client.describeTopics(topics.isEmpty ? nil : topics)
                if topics.isEmpty && excludeInternal { described.removeAll { $0.isInternal } }
                var out = ""
                for topic in described {
                    let configs = try await Self.nonDefaultConfigs(client, topic: topic.name)
                    out += Self.describe(topic, configs: configs)
                }
                StandardStreams.write(out)
            }
        }

        /// `name=value,...` of the configs not at Kafka's defaults; empty when the broker
        /// does not serve DescribeConfigs.
        static func nonDefaultConfigs(_ client: KafkaClient, topic: String) async throws(KafkaClientError) -> String {
            do {
                let entries = try await client.describeConfigs(.topic, name: topic)
                return entries.filter { !$0.isDefault && $0.source != .unknown }
                    .map { "\($0.name)=\($0.isSensitive ? "(sensitive)" : $0.value ?? "null")" }
                    .joined(separator: ",")
            } catch {
                if case .unsupportedApi = error { return "" }
                throw error
            }
        }

        static func describe(_ topic: TopicMetadata, configs: String) -> String {
            var text = "Topic: \(topic.name)\tTopicId: \(topic.topicId)\tPartitionCount: \(topic.partitions.count)\t"
                + "ReplicationFactor: \(topic.replicationFactor)\tConfigs: \(configs)\n"
            for partition in topic.partitions {
                text += "\tTopic: \(topic.name)\tPartition: \(partition.partition)\t"
                    + "Leader: \(partition.leader >= 0 ? String(partition.leader) : "none")\t"
                    + "Replicas: \(partition.replicas.map(String.init).joined(separator: ","))\t"
                    + "Isr: \(partition.isr.map(String.init).joined(separator: ","))"
                if !partition.offlineReplicas.isEmpty {
                    text += "\tOffline: \(partition.offlineReplicas.map(String.init).joined(separator: ","))"
                }
                text += "\n"
            }
            return text
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a topic; prints \"Created topic T.\"")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("topic"), help: "The topic to create.")
        var topic: String
        @Option(name: .customLong("partitions"), help: "Partition count (the broker's num.partitions when left out).")
        var partitions: Int32?
        @Option(name: .customLong("replication-factor"), help: "Replicas per partition (the broker's default when left out).")
        var replicationFactor: Int16?
        @Option(name: .customLong("config"), help: "A topic config, key=value (repeatable).")
        var configs: [String] = []
        @Flag(name: .customLong("if-not-exists"), help: "Succeed quietly when the topic exists.")
        var ifNotExists = false

        func validate() throws {
            if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1.") }
            if let replicationFactor, replicationFactor < 1 { throw ValidationError("--replication-factor must be at least 1.") }
            for config in configs { _ = try parseKeyValue(config, option: "--config") }
        }

        func run() async throws {
            let pairs = try configs.map { try parseKeyValue($0, option: "--config") }
            try await runClientCommand("topics create", connection: connection) { client in
                do {
                    try await client.createTopic(topic, partitions: partitions, replicationFactor: replicationFactor, configs: pairs)
                } catch let error as KafkaClientError where ifNotExists && error.kafkaError == .topicAlreadyExists {
                    return
                }
                StandardStreams.write("Created topic \(topic).\n")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete topics.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("topic"), help: "A topic to delete (repeatable).")
        var topics: [String] = []
        @Flag(name: .customLong("if-exists"), help: "Succeed quietly when a topic does not exist.")
        var ifExists = false

        func validate() throws {
            guard !topics.isEmpty else { throw ValidationError("Missing expected argument '--topic <topic>'.") }
        }

        func run() async throws {
            try await runClientCommand("topics delete", connection: connection) { client in
                var names = topics
                if ifExists {
                    let existing = Set(try await client.listTopics())
                    names = names.filter(existing.contains)
                }
                if !names.isEmpty { try await client.deleteTopics(names) }
            }
        }
    }

    struct Alter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add partitions to a topic, or set and remove its configs.",
            discussion: """
                --partitions grows the topic to that many partitions. --add-config and \
                --delete-config change topic configs as kafka-configs.sh --alter does; a value \
                holding commas is written in brackets: cleanup.policy=[compact,delete].
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("topic"), help: "The topic to alter.")
        var topic: String
        @Option(name: .customLong("partitions"), help: "The new (larger) partition count.")
        var partitions: Int32?
        @Option(name: .customLong("add-config"), help: "Configs to set, k=v[,k2=v2...] (repeatable).")
        var addConfigs: [String] = []
        @Option(name: .customLong("delete-config"), help: "Configs to remove, k[,k2...] (repeatable).")
        var deleteConfigs: [String] = []

        func validate() throws {
            guard partitions != nil || !addConfigs.isEmpty || !deleteConfigs.isEmpty else {
                throw ValidationError("Nothing to alter: give --partitions, --add-config or --delete-config.")
            }
            if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1.") }
            _ = try parsedAdditions()
        }

        func parsedAdditions() throws -> [(String, String)] {
            try addConfigs.flatMap(Self.splitConfigList).map { try parseKeyValue($0, option: "--add-config") }
                .map { ($0.0, Self.unbracket($0.1)) }
        }

        /// Splits on commas outside square brackets.
        static func splitConfigList(_ text: String) -> [String] {
            var parts: [String] = [], current = "", depth = 0
            for character in text {
                switch character {
                case "[": depth += 1; current.append(character)
                case "]": depth -= 1; current.append(character)
                case "," where depth == 0:
                    if !current.isEmpty { parts.append(current) }
                    current = ""
                default: current.append(character)
                }
            }
            if !current.isEmpty { parts.append(current) }
            return parts
        }

        static func unbracket(_ value: String) -> String {
            value.hasPrefix("[") && value.hasSuffix("]") ? String(value.dropFirst().dropLast()) : value
        }

        func run() async throws {
            let additions = try parsedAdditions()
            let deletions = deleteConfigs.flatMap(Self.splitConfigList)
            try await runClientCommand("topics alter", connection: connection) { client in
                if let partitions { try await client.createPartitions(topic: topic, totalCount: partitions) }
                if !additions.isEmpty || !deletions.isEmpty {
                    try await client.alterTopicConfigs(topic, set: additions, delete: deletions)
                    StandardStreams.write("Completed updating config for topic \(topic).\n")
                }
            }
        }
    }
}
