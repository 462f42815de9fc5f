import BrokerEngine

/// The preview step: what will be reset, a TOPIC PARTITION CURRENT → NEW table (as many
/// rows as fit, then how many more), and a warning when the group is active, since the
/// engine will then refuse.
extension ResetOffsetsDialog {
    /// Whether executing will be refused: only an Empty (or unknown) group's offsets can be
    /// reset (`GroupCoordinator.executeOffsetReset`).
    static func isActive(_ plan: OffsetResetPlan) -> Bool { plan.groupState != .empty && plan.groupState != .dead }

    /// Rows for the whole table; the dialog caps its height to the screen and the table
    /// then shows what fits and how many more.
    func previewHeight(_ plan: OffsetResetPlan, width: Int) -> Int {
        let rows = plan.rows.isEmpty ? 1 : 1 + plan.rows.count
        return 2 + rows + warningHeight(plan, width: width)
    }

    private func warningHeight(_ plan: OffsetResetPlan, width: Int) -> Int {
        Self.isActive(plan) ? 1 + warningLines(plan, width: width).count : 0
    }

    private func warningLines(_ plan: OffsetResetPlan, width: Int) -> [String] {
        TextWidth.wrap("The group has active members (\(plan.groupState.rawValue)): the reset will be refused until they leave.",
                       width: width - 2)
    }

    func renderPreview(_ plan: OffsetResetPlan, into screen: inout Screen, area: Rect, context: ViewContext) {
        let theme = context.theme
        var row = area.row
        let left = area.column + 1, width = area.width - 2
        screen.put(previewTitle, row: row, column: left, style: theme[.accent], maxWidth: width)
        row += 2
        guard !plan.rows.isEmpty else {
            screen.put("Nothing to reset: no committed offsets in this scope.", row: row, column: left, style: theme[.dim],
                       maxWidth: width)
            return
        }
        // TOPIC grows; the numbers are right-aligned in fixed columns.
        let numberWidth = 12, partitionWidth = 9
        let topicWidth = max(8, width - partitionWidth - 2 * numberWidth - 4)
        func line(_ cells: [String], style: Style) {
            var column = left
            column += screen.put(cells[0], row: row, column: column, style: style, width: topicWidth)
            column += screen.put(cells[1], row: row, column: column, style: style, width: partitionWidth, alignRight: true)
            column += screen.put(cells[2], row: row, column: column, style: style, width: numberWidth, alignRight: true)
            column += screen.put(cells[3], row: row, column: column, style: style, width: 4)
            screen.put(cells[4], row: row, column: column, style: style, width: numberWidth, alignRight: true)
            row += 1
        }
        let arrow = context.glyphs.charset == .unicode ? "  →" : "  ->"
        line(["TOPIC", "PARTITION", "CURRENT", "", "NEW"], style: theme[.columnHeader])
        // What fits under the header, keeping the warning; the last row says how many more.
        let room = max(1, area.bottom - row - warningHeight(plan, width: area.width))
        let shown = plan.rows.count <= room ? plan.rows.count : room - 1
        for entry in plan.rows.prefix(shown) {
            let current = entry.currentOffset.map { "\($0)" } ?? "-"
            let style = entry.currentOffset == entry.newOffset ? theme[.dim] : theme[.normal]
            line([entry.topicPartition.topic, "\(entry.topicPartition.partition)", current, arrow, "\(entry.newOffset)"],
                 style: style)
        }
        if shown < plan.rows.count {
            screen.put("+\(plan.rows.count - shown) more partitions", row: row, column: left, style: theme[.dim],
                       maxWidth: width)
            row += 1
        }
        guard Self.isActive(plan) else { return }
        row += 1
        for text in warningLines(plan, width: area.width) where row < area.bottom {
            screen.put(text, row: row, column: left, style: theme[.warning], maxWidth: width)
            row += 1
        }
    }

    private var previewTitle: String {
        guard let plan else { return "" }
        let count = plan.rows.count
        return "\(count) partition\(count == 1 ? "" : "s"), \(planSummary)"
    }
}
