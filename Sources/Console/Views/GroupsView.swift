import BrokerEngine

/// Consumer groups: state, members, protocol (the assignor), total lag and a sparkline of
/// the last minute's lag. Enter shows the group's per-partition lag and its members, `r`
/// resets its offsets.
public final class GroupsView: TableView {
    public init(selecting group: String? = nil) {
        super.init()
        list.selectedID = group
    }

    public override var title: String { "Groups" }

    public override var bindings: [KeyBinding] {
        [
            KeyBinding([.enter], .open, label: "lag", description: "Show the selected group's lag per partition and its members"),
            KeyBinding([.char("r")], .resetOffsets, label: "reset offsets",
                       description: "Reset the selected group's committed offsets (preview, then confirm)",
                       mutates: true, isDangerous: true),
        ]
    }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn("GROUP", min: 10, max: 60, grows: true, priority: 100),
            TableColumn("STATE", min: 11, max: 19, priority: 90),
            TableColumn("MEMBERS", .right, priority: 80),
            TableColumn("PROTOCOL", min: 8, max: 20, priority: 50),
            TableColumn("LAG", .right, min: 7, priority: 95),
            TableColumn("LAG (1 min)", min: 8, max: 30, grows: true, priority: 60, keepsEnd: true),
        ]
    }

    static func stateSpan(_ state: GroupState) -> TextSpan {
        switch state {
        case .stable: TextSpan(state.rawValue, .good)
        case .preparingRebalance, .completingRebalance: TextSpan(state.rawValue, .warning)
        case .empty: TextSpan(state.rawValue, .dim)
        case .dead: TextSpan(state.rawValue, .danger)
        }
    }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let snapshot = context.snapshot else { return [] }
        return snapshot.groups.sorted { $0.groupId < $1.groupId }.map { group in
            let protocolText = group.protocolName.isEmpty ? (group.protocolType.isEmpty ? "-" : group.protocolType)
                : group.protocolName
            return TableRow(id: group.groupId, cells: [
                [TextSpan(group.groupId)],
                [Self.stateSpan(group.state)],
                [TextSpan("\(group.members.count)")],
                [TextSpan(protocolText)],
                [TextSpan(Format.count(group.totalLag), group.totalLag > 0 ? .warning : .normal)],
                [TextSpan(Sparkline.render(group.lagHistory, width: 30, glyphs: context.glyphs), .accent)],
            ], filterText: "\(group.groupId) \(group.state.rawValue)")
        }
    }

    override func emptyMessage(context: ViewContext) -> String {
        "No consumer groups yet. They appear when a consumer joins or commits offsets."
    }

    override func open(_ rowID: String, context: ViewContext) -> [Effect]? { [.push(GroupDetailView(groupId: rowID))] }

    override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
        guard action == .resetOffsets else { return nil }
        guard let rowID else { return [] }
        return [.present(ResetOffsetsDialog(groupId: rowID))]
    }
}
