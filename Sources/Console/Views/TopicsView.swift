import BrokerEngine

extension Action {
    public static let showConfigs = Action("topic.configs")
    public static let deleteTopic = Action("topic.delete")
    public static let createTopic = Action("topic.create")
    public static let toggleInternal = Action("topic.toggleInternal")
}

/// Topics: name, partitions, replication factor, records, size, in-rate with a sparkline of
/// the last minute, under-replicated partitions. Enter shows the partitions, `c` the
/// configs, `p` produces a record to it, `d` deletes (after confirming), `n` creates (the
/// create-topic dialog), `i` hides the internal topics.
public final class TopicsView: TableView {
    public var showsInternal = true

    /// Starts with `topic` selected, if given (palette navigation keeps the breadcrumb).
    public init(selecting topic: String? = nil) {
        super.init()
        list.selectedID = topic
    }

    public override var title: String { "Topics" }

    public override var bindings: [KeyBinding] {
        [
            KeyBinding([.enter], .open, label: "partitions", description: "Show the partitions of the selected topic"),
            KeyBinding([.char("c")], .showConfigs, label: "configs", description: "Show the selected topic's configuration",
                       command: "show-configs"),
            KeyBinding([.char("t")], .tail, label: "tail", description: "Tail the selected topic's messages (live)",
                       command: "tail-selected"),
            KeyBinding([.char("p")], .produce, label: "produce", description: "Produce a record to the selected topic",
                       mutates: true),
            KeyBinding([.char("n")], .createTopic, label: "new", description: "Create a topic", command: "new", mutates: true),
            KeyBinding([.char("d")], .deleteTopic, label: "delete", description: "Delete the selected topic and its data",
                       command: "delete", mutates: true, isDangerous: true),
            KeyBinding([.char("i")], .toggleInternal, label: "internal", description: "Show or hide internal topics (__consumer_offsets)",
                       command: "toggle-internal", showInFooter: false),
        ]
    }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn("NAME", min: 10, max: 80, grows: true, priority: 100),
            TableColumn("PARTS", .right, priority: 90),
            TableColumn("RF", .right, priority: 85),
            TableColumn("RECORDS", .right, min: 7, priority: 80),
            TableColumn("SIZE", .right, min: 9, priority: 70),
            TableColumn("IN/s", .right, min: 6, priority: 65),
            TableColumn("IN (1 min)", min: 8, max: 30, grows: true, priority: 60, keepsEnd: true),
            TableColumn("OUT/s", .right, min: 6, priority: 20),
            TableColumn("URP", .right, priority: 75),
        ]
    }

    static func isInternal(_ name: String) -> Bool { name.hasPrefix("__") }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let snapshot = context.snapshot else { return [] }
        // Cells are made lazily; their closures capture only what they use (not the context).
        let glyphs = context.glyphs
        let topics = snapshot.topics
        return sortedIndices(snapshot).map { index in
            // The closure captures the array and an index, not a copy of the topic.
            let name = topics[index].name
            let offline = topics[index].partitions.contains(where: \.isOffline)
            let tint: Theme.Role? = offline ? .danger : Self.isInternal(name) ? .dim : nil
            return TableRow(id: name, filterText: name, tint: tint) {
                let topic = topics[index]
                let urp = topic.underReplicatedCount
                let history = topic.rateHistory.map(\.recordsInPerSecond)
                return [
                    [TextSpan(topic.name)],
                    [TextSpan("\(topic.partitions.count)")],
                    [TextSpan("\(topic.replicationFactor)")],
                    [TextSpan(Format.count(topic.records))],
                    [TextSpan(Format.bytes(topic.sizeBytes))],
                    [TextSpan(Format.count(topic.rates.recordsInPerSecond))],
                    [TextSpan(Sparkline.render(history, width: 30, glyphs: glyphs), .accent)],
                    [TextSpan(Format.count(topic.rates.recordsOutPerSecond))],
                    [TextSpan("\(urp)", offline ? .danger : urp > 0 ? .warning : .normal)],
                ]
            }
        }
    }

    /// The order of the last snapshot's topics (indices into `topics`), for its names.
    private var order: (names: [String], showsInternal: Bool, indices: [Int])?

    /// User topics by name, then the internal ones. Snapshots arrive 4 times a second with
    /// the same topics almost always, and sorting 10,000 names takes longer than a frame may
    /// (make bench), so the order is kept while the names are unchanged.
    func sortedTopics(_ snapshot: ClusterSnapshot) -> [TopicSnapshot] {
        sortedIndices(snapshot).map { snapshot.topics[$0] }
    }

    /// `sortedTopics` as indices into `snapshot.topics` (no copies of the topics).
    func sortedIndices(_ snapshot: ClusterSnapshot) -> [Int] {
        let names = snapshot.topics.map(\.name)
        if let order, order.showsInternal == showsInternal, order.names == names { return order.indices }
        // The sort key once per topic, not once per comparison.
        let keyed = names.indices.map { (internal: Self.isInternal(names[$0]), index: $0) }
            .filter { showsInternal || !$0.internal }
        let indices = keyed.sorted { $0.internal != $1.internal ? !$0.internal : names[$0.index] < names[$1.index] }.map(\.index)
        order = (names, showsInternal, indices)
        return indices
    }

    override func emptyMessage(context: ViewContext) -> String {
        context.readOnly ? "No topics." : "No topics yet. Press n to create one."
    }

    override func open(_ rowID: String, context: ViewContext) -> [Effect]? { [.push(PartitionsView(topic: rowID))] }

    override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
        switch action {
        case .toggleInternal:
            showsInternal.toggle()
            return [.status(StatusMessage(showsInternal ? "Showing internal topics" : "Hiding internal topics"))]
        case .createTopic:
            return [.present(CreateTopicDialog())]
        case .produce:
            guard let rowID else { return [] }
            return [.present(ProduceDialog(topic: rowID))]
        case .showConfigs:
            guard let rowID else { return [] }
            return [.push(TopicConfigsView(topic: rowID))]
        case .tail:
            // Under the topic's partitions, so the breadcrumb reads `Topics › orders › messages`.
            guard let rowID else { return [] }
            return [.push(PartitionsView(topic: rowID)), .push(MessagesView(topic: rowID))]
        case .deleteTopic:
            guard let rowID else { return [] }
            return [.confirm(Self.deleteConfirmation(rowID))]
        default:
            return nil
        }
    }

    static func deleteConfirmation(_ topic: String) -> Confirmation {
        Confirmation(
            title: "Delete topic \(topic)",
            message: "Deletes \(topic) and every record in it on all brokers. This cannot be undone.",
            confirmLabel: "Delete",
            effects: [.perform(BackendOperation("Deleting topic \(topic)") { backend in
                try await backend.deleteTopic(topic)
                return "Topic \(topic) deleted"
            })])
    }
}

/// `name [partitions] [replication-factor]` as typed after `:create-topic`.
/// Omitted numbers take the cluster's defaults (`num.partitions`, `default.replication.factor`).
public struct NewTopicRequest: Equatable, Sendable {
    public var name: String
    public var partitions: Int32?
    public var replicationFactor: Int16?

    public static func parse(_ text: String) -> Result<NewTopicRequest, BackendError> {
        parse(words: text.split(separator: " ").map(String.init))
    }

    public static func parse(words: [String]) -> Result<NewTopicRequest, BackendError> {
        guard let name = words.first else { return .failure(BackendError("Give a topic name.")) }
        guard words.count <= 3 else { return .failure(BackendError("Too many words: name [partitions] [replication factor].")) }
        var request = NewTopicRequest(name: name)
        if words.count > 1 {
            guard let partitions = Int32(words[1]), partitions > 0 else {
                return .failure(BackendError("Partitions must be a positive number, not \(words[1]).")) }
            request.partitions = partitions
        }
        if words.count > 2 {
            guard let factor = Int16(words[2]), factor > 0 else {
                return .failure(BackendError("Replication factor must be a positive number, not \(words[2]).")) }
            request.replicationFactor = factor
        }
        return .success(request)
    }

    public var operation: BackendOperation {
        let topic = NewTopic(name: name, numPartitions: partitions ?? -1, replicationFactor: replicationFactor ?? -1)
        return BackendOperation("Creating topic \(name)") { backend in
            try await backend.createTopic(topic)
            return "Topic \(topic.name) created"
        }
    }
}
