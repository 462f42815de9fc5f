import BrokerEngine
import LogStore

/// One `:` command: its name, its arguments (which the palette completes from the snapshot),
/// what help says about it, and what it does. Like key bindings, commands are a table
/// (`PaletteCommands.standard`), which feeds the palette's suggestions and the help screen.
public struct PaletteCommand: Sendable {
    public struct Argument: Sendable {
        public enum Kind: Sendable {
            case topic, group, broker
            /// A partition of the topic given as the previous argument.
            case partition
            /// Free text (a name, a number): not completed.
            case text
        }

        public var name: String
        public var kind: Kind
        public var isOptional: Bool

        public init(_ name: String, _ kind: Kind, optional: Bool = false) {
            self.name = name
            self.kind = kind
            self.isOptional = optional
        }
    }

    public var name: String
    public var aliases: [String]
    public var arguments: [Argument]
    public var description: String
    /// Changes the cluster: refused with `--read-only`.
    public var mutates: Bool
    /// Runs with the arguments as typed (their count already checked); a failure keeps the
    /// palette open with the message.
    public var run: @Sendable (_ arguments: [String], _ context: ViewContext) -> Result<[Effect], CommandError>

    public init(_ name: String, aliases: [String] = [], arguments: [Argument] = [], description: String,
                mutates: Bool = false, run: @escaping @Sendable (_ arguments: [String], _ context: ViewContext) -> Result<[Effect], CommandError>) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.description = description
        self.mutates = mutates
        self.run = run
    }

    /// `partitions TOPIC`, `create-topic NAME [PARTITIONS] [RF]`.
    public var usage: String {
        ([name] + arguments.map { $0.isOptional ? "[\($0.name)]" : $0.name }).joined(separator: " ")
    }

    public func matches(_ word: String) -> Bool { name == word || aliases.contains(word) }
}

/// Why a command could not run, in words for the palette.
public struct CommandError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The standard commands. To add one, append a `PaletteCommand` here; the palette, its
/// completion and the help screen pick it up.
public enum PaletteCommands {
    public static let standard: [PaletteCommand] = navigation + operations + [
        PaletteCommand("help", aliases: ["?"], description: "Show every key and command") { _, _ in
            .success([.present(HelpOverlay())])
        },
        PaletteCommand("quit", aliases: ["q", "q!"], description: "Quit (no question asked); stops the cluster cleanly") { _, _ in
            .success([.quit])
        },
    ]

    static let navigation: [PaletteCommand] = [
        PaletteCommand("brokers", aliases: ["b"], description: "Brokers: state, leaders, replicas, size, rates") { _, _ in
            .success([.replaceStack([BrokersView()])])
        },
        PaletteCommand("topics", aliases: ["t"], description: "Topics: partitions, RF, records, size, rates") { _, _ in
            .success([.replaceStack([TopicsView()])])
        },
        PaletteCommand("groups", aliases: ["g"], description: "Consumer groups: state, members, lag") { _, _ in
            .success([.replaceStack([GroupsView()])])
        },
        PaletteCommand("partitions", aliases: ["p"], arguments: [.init("TOPIC", .topic)],
                       description: "The partitions of a topic") { arguments, context in
            topic(arguments[0], context).map { [.replaceStack([TopicsView(selecting: $0), PartitionsView(topic: $0)])] }
        },
        PaletteCommand("segments", arguments: [.init("TOPIC", .topic), .init("PARTITION", .partition)],
                       description: "The segment files of a partition") { arguments, context in
            topic(arguments[0], context).flatMap { topic in
                guard let partition = Int32(arguments[1]),
                      context.topic(topic)?.partitions.contains(where: { $0.partition == partition }) == true else {
                    return .failure(CommandError("\(topic) has no partition \(arguments[1])"))
                }
                return .success([.replaceStack([TopicsView(selecting: topic), PartitionsView(topic: topic, selecting: partition),
                                                SegmentsView(partition: TopicPartition(topic, partition))])])
            }
        },
        PaletteCommand("configs", arguments: [.init("TOPIC", .topic)], description: "A topic's configuration") { arguments, context in
            topic(arguments[0], context).map { [.replaceStack([TopicsView(selecting: $0), TopicConfigsView(topic: $0)])] }
        },
        PaletteCommand("tail", arguments: [.init("TOPIC", .topic), .init("PARTITION", .partition, optional: true)],
                       description: "Live tail of a topic's messages (or one partition's)") { arguments, context in
            topic(arguments[0], context).flatMap { topic in
                guard arguments.count > 1 else {
                    return .success([.replaceStack([TopicsView(selecting: topic), PartitionsView(topic: topic),
                                                    MessagesView(topic: topic)])])
                }
                guard let partition = Int32(arguments[1]), context.snapshot == nil
                        || context.topic(topic)?.partitions.contains(where: { $0.partition == partition }) == true else {
                    return .failure(CommandError("\(topic) has no partition \(arguments[1])"))
                }
                return .success([.replaceStack([TopicsView(selecting: topic), PartitionsView(topic: topic, selecting: partition),
                                                MessagesView(topic: topic, partition: partition)])])
            }
        },
        PaletteCommand("group", arguments: [.init("GROUP", .group)],
                       description: "A group's lag per partition and its members") { arguments, context in
            guard context.snapshot == nil || context.group(arguments[0]) != nil else {
                return .failure(CommandError("No group \(arguments[0])"))
            }
            return .success([.replaceStack([GroupsView(selecting: arguments[0]), GroupDetailView(groupId: arguments[0])])])
        },
    ]

    static let operations: [PaletteCommand] = [
        PaletteCommand("create-topic", arguments: [.init("NAME", .text, optional: true), .init("PARTITIONS", .text, optional: true),
                                                    .init("RF", .text, optional: true)],
                       description: "Create a topic: the dialog, or at once with a name (cluster defaults for the rest)",
                       mutates: true) { arguments, _ in
            guard !arguments.isEmpty else { return .success([.present(CreateTopicDialog())]) }
            return NewTopicRequest.parse(words: arguments).map { [.perform($0.operation)] }
                .mapError { CommandError($0.description) }
        },
        PaletteCommand("produce", arguments: [.init("TOPIC", .topic)], description: "Produce a record to a topic (a dialog)",
                       mutates: true) { arguments, context in
            topic(arguments[0], context).map { [.present(ProduceDialog(topic: $0))] }
        },
        PaletteCommand("reset-offsets", arguments: [.init("GROUP", .group)],
                       description: "Reset a group's committed offsets (a dialog: preview, then confirm)", mutates: true) { arguments, context in
            guard context.snapshot == nil || context.group(arguments[0]) != nil else {
                return .failure(CommandError("No group \(arguments[0])"))
            }
            return .success([.present(ResetOffsetsDialog(groupId: arguments[0]))])
        },
        PaletteCommand("delete-topic", arguments: [.init("TOPIC", .topic)], description: "Delete a topic (asks first)",
                       mutates: true) { arguments, context in
            topic(arguments[0], context).map { [.confirm(TopicsView.deleteConfirmation($0))] }
        },
        PaletteCommand("stop-broker", arguments: [.init("ID", .broker)],
                       description: "Stop a broker with a controlled shutdown (asks first)", mutates: true) { arguments, context in
            broker(arguments[0], context).map { [.confirm(BrokersView.stopConfirmation($0.id, leaders: $0.leaderCount))] }
        },
        PaletteCommand("kill-broker", arguments: [.init("ID", .broker)],
                       description: "Kill a broker, no controlled shutdown (asks first)", mutates: true) { arguments, context in
            broker(arguments[0], context).map { [.confirm(BrokersView.killConfirmation($0.id))] }
        },
        PaletteCommand("start-broker", arguments: [.init("ID", .broker)], description: "Start a stopped broker",
                       mutates: true) { arguments, context in
            broker(arguments[0], context).map { broker in
                let id = broker.id
                return [.perform(BackendOperation("Starting broker \(id)") { backend in
                    try await backend.startBroker(id)
                    return "Broker \(id) started"
                })]
            }
        },
    ]

    private static func topic(_ name: String, _ context: ViewContext) -> Result<String, CommandError> {
        guard context.snapshot == nil || context.topic(name) != nil else { return .failure(CommandError("No topic \(name)")) }
        return .success(name)
    }

    private static func broker(_ text: String, _ context: ViewContext) -> Result<BrokerSnapshot, CommandError> {
        guard let id = Int32(text), let broker = context.snapshot?.brokers.first(where: { $0.id == id }) else {
            return .failure(CommandError("No broker \(text)"))
        }
        return .success(broker)
    }

    /// What the palette offers for argument `kind` (the previous arguments given).
    static func candidates(for kind: PaletteCommand.Argument.Kind, previous: [String], context: ViewContext) -> [String] {
        guard let snapshot = context.snapshot else { return [] }
        switch kind {
        case .topic: return snapshot.topics.map(\.name).sorted()
        case .group: return snapshot.groups.map(\.groupId).sorted()
        case .broker: return snapshot.brokers.map { "\($0.id)" }
        case .partition:
            guard let topic = previous.last, let partitions = context.topic(topic)?.partitions else { return [] }
            return partitions.map { "\($0.partition)" }
        case .text: return []
        }
    }
}
