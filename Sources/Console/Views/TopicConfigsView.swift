import BrokerEngine

/// A topic's effective configuration: every config with its value and where it comes from,
/// overrides first and highlighted. Fetched on demand (`dataNeeds`).
public final class TopicConfigsView: TableView {
    public let topic: String
    private let namesTopic: Bool

    /// `namesTopic` false when the breadcrumb already shows the topic (from its partitions).
    public init(topic: String, namesTopic: Bool = true) {
        self.topic = topic
        self.namesTopic = namesTopic
        super.init()
    }

    public override var title: String { namesTopic ? "\(topic) configs" : "configs" }
    public override var dataNeeds: [DataNeed] { [.configs(topic: topic)] }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn("NAME", min: 16, max: 45, priority: 100),
            TableColumn("VALUE", min: 10, max: 80, grows: true, priority: 90),
            TableColumn("SOURCE", min: 7, max: 22, priority: 50),
        ]
    }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let entries = context.configs[topic]?.value else { return [] }
        let ordered = entries.sorted { ($0.isDefault ? 1 : 0, $0.name) < ($1.isDefault ? 1 : 0, $1.name) }
        return ordered.map { entry in
            let value = entry.isSensitive ? "(sensitive)" : (entry.value ?? "null")
            return TableRow(id: entry.name, cells: [
                [TextSpan(entry.name, entry.isDefault ? .normal : .accent)],
                [TextSpan(value, entry.isDefault ? .normal : .accent)],
                [TextSpan(Self.sourceName(entry.source), entry.isDefault ? .dim : .accent)],
            ], filterText: "\(entry.name) \(value)")
        }
    }

    static func sourceName(_ source: ConfigSource) -> String {
        switch source {
        case .dynamicTopicConfig: "topic override"
        case .staticBrokerConfig: "cluster"
        case .defaultConfig: "default"
        }
    }

    override func emptyMessage(context: ViewContext) -> String {
        guard let fetched = context.configs[topic] else { return "Loading configs…" }
        if let error = fetched.error { return "Cannot describe \(topic): \(error)" }
        return "No configs."
    }
}
