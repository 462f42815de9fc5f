import BrokerEngine
import LogStore

/// One consumer group: a summary line, its members with their assignments, and the lag of
/// every partition it consumes (committed offset, high watermark, lag, the member that owns
/// it) as the selectable, filterable list. `r` resets the group's offsets.
public final class GroupDetailView: TableView {
    public let groupId: String

    public init(groupId: String) {
        self.groupId = groupId
        super.init()
    }

    public override var title: String { groupId }

    public override var bindings: [KeyBinding] {
        [KeyBinding([.char("r")], .resetOffsets, label: "reset offsets",
                    description: "Reset this group's committed offsets (preview, then confirm)", mutates: true, isDangerous: true)]
    }

    override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
        action == .resetOffsets ? [.present(ResetOffsetsDialog(groupId: groupId))] : nil
    }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn("TOPIC", min: 8, max: 60, grows: true, priority: 100),
            TableColumn("P", .right, min: 3, priority: 95),
            TableColumn("COMMITTED", .right, priority: 90),
            TableColumn("HW", .right, min: 7, priority: 85),
            TableColumn("LAG", .right, min: 7, priority: 95),
            TableColumn("MEMBER", min: 8, max: 40, grows: true, priority: 60),
        ]
    }

    /// The client id of the member assigned each partition.
    static func owners(_ group: ConsumerGroupSnapshot) -> [TopicPartition: String] {
        var owners: [TopicPartition: String] = [:]
        for member in group.members {
            for partition in member.assignedPartitions ?? [] { owners[partition] = member.clientId }
        }
        return owners
    }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let group = context.group(groupId) else { return [] }
        let owners = Self.owners(group)
        return group.lag.partitions.map { row in
            let owner = owners[row.topicPartition]
            let filterText = "\(row.topicPartition.topic) \(row.topicPartition.partition) \(owner ?? "")"
            return TableRow(id: row.topicPartition.description, filterText: filterText) {
                let lag: TextSpan = row.lag.map { TextSpan("\($0)", $0 > 0 ? .warning : .normal) } ?? TextSpan("-", .dim)
                return [
                    [TextSpan(row.topicPartition.topic)],
                    [TextSpan("\(row.topicPartition.partition)")],
                    [TextSpan(row.committedOffset.map { "\($0)" } ?? "-")],
                    [TextSpan(row.highWatermark.map { "\($0)" } ?? "-")],
                    [lag],
                    [owner.map { TextSpan($0) } ?? TextSpan("-", .dim)],
                ]
            }
        }
    }

    /// Summary line, then the members (at most a third of the area), then a blank line.
    override func preambleHeight(area: Rect, context: ViewContext) -> Int {
        guard let group = context.group(groupId) else { return 1 }
        let members = min(group.members.count, max(1, area.height / 3))
        return 1 + (group.members.isEmpty ? 1 : 1 + members) + 1
    }

    override func renderPreamble(into screen: inout Screen, area: Rect, context: ViewContext) {
        let theme = context.theme
        guard let group = context.group(groupId) else {
            screen.put(" Group \(groupId) does not exist (any more).", row: area.row, column: area.column,
                       style: theme[.dim], maxWidth: area.width)
            return
        }
        let protocolText = group.protocolName.isEmpty ? "" : "/\(group.protocolName)"
        var spans = [TextSpan(" "), GroupsView.stateSpan(group.state),
                     TextSpan("  protocol ", .dim), TextSpan((group.protocolType.isEmpty ? "-" : group.protocolType) + protocolText),
                     TextSpan("  generation ", .dim), TextSpan("\(group.generationId)"),
                     TextSpan("  lag ", .dim), TextSpan(Format.count(group.totalLag), group.totalLag > 0 ? .warning : .normal)]
        let used = spans.width
        let sparkWidth = min(30, area.width - used - 3)
        if sparkWidth >= 5 {
            spans.append(TextSpan("  "))
            spans.append(TextSpan(Sparkline.render(group.lagHistory, width: sparkWidth, glyphs: context.glyphs), .accent))
        }
        screen.put(spans, row: area.row, column: area.column, theme: theme, maxWidth: area.width)
        guard !group.members.isEmpty else {
            screen.put(" No active members.", row: area.row + 1, column: area.column, style: theme[.dim], maxWidth: area.width)
            return
        }
        screen.put(" MEMBERS", row: area.row + 1, column: area.column, style: theme[.columnHeader], maxWidth: area.width)
        let shown = area.height - 3
        for (index, member) in group.members.prefix(shown).enumerated() {
            let y = area.row + 2 + index
            var line = [TextSpan(" "), TextSpan(member.isLeader ? String(context.glyphs.bullet) : " ", .accent), TextSpan(" "),
                        TextSpan(member.clientId), TextSpan(" \(member.clientHost)", .dim), TextSpan("  ")]
            let assigned = (member.assignedPartitions ?? []).sorted()
            line.append(TextSpan(assigned.isEmpty ? "(no partitions)" : Self.compact(assigned),
                                 assigned.isEmpty ? .dim : .normal))
            screen.put(line, row: y, column: area.column, theme: theme, maxWidth: area.width)
        }
        if group.members.count > shown {
            screen.put(" +\(group.members.count - shown) more", row: area.row + 2 + shown - 1, column: area.column,
                       style: theme[.dim], maxWidth: area.width)
        }
    }

    /// `orders[0-2,5] payments[1]`: partitions grouped by topic with runs collapsed.
    static func compact(_ partitions: [TopicPartition]) -> String {
        var byTopic: [(String, [Int32])] = []
        for partition in partitions {
            if let last = byTopic.indices.last, byTopic[last].0 == partition.topic {
                byTopic[last].1.append(partition.partition)
            } else {
                byTopic.append((partition.topic, [partition.partition]))
            }
        }
        return byTopic.map { topic, numbers in
            var runs: [String] = []
            var start = numbers[0], end = numbers[0]
            for n in numbers.dropFirst() {
                if n == end + 1 { end = n; continue }
                runs.append(start == end ? "\(start)" : "\(start)-\(end)")
                start = n
                end = n
            }
            runs.append(start == end ? "\(start)" : "\(start)-\(end)")
            return "\(topic)[\(runs.joined(separator: ","))]"
        }.joined(separator: " ")
    }

    override func emptyMessage(context: ViewContext) -> String {
        context.group(groupId) == nil ? "No such group." : "No committed offsets or subscribed partitions yet."
    }
}
