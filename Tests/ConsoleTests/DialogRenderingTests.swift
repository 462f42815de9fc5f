@testable import BrokerEngine
@testable import Console
import LogStore
import Testing

/// The dialogs drawn over the fixture cluster at 80×24 and 120×40: the empty form, errors
/// under the fields, the reset preview table and the active-members refusal.
@Suite struct DialogRenderingTests {
    static let sizes = [Fixtures.small, Fixtures.large]

    func press(_ app: ConsoleApp, _ keys: [Key]) {
        for key in keys { app.handle(key) }
    }

    /// The dialog's box rows: from its title row to its bottom edge, each cut to the box.
    func box(_ screen: Screen, title: String) throws -> [String] {
        let top = try #require(screen.rowIndex(containing: "┌ \(title) "), "\(screen.textDump)")
        let column = try #require(screen.column(of: "┌ \(title) ", inRow: top))
        var rows: [String] = []
        for row in top..<screen.size.rows {
            let text = Array(screen.row(row).dropFirst(0))
            let line = String(text.dropFirst(column))
            rows.append(line)
            if line.hasPrefix("└") { break }
        }
        return rows.map { String($0.prefix(FormDialog.width(for: screen))) }
    }

    /// Rows padded to the box's inner width, for whole-row comparisons.
    func framed(_ lines: [String], width: Int) -> [String] {
        lines.map { "│" + TextWidth.padded($0, to: width - 2) + "│" }
    }

    @Test(arguments: sizes) func produceDialogEmptyForm(size: Size) throws {
        let app = Fixtures.app([TopicsView(selecting: "orders")])
        app.handle(.char("p"))
        let rows = try box(app.render(size: size), title: "Produce")
        let width = FormDialog.width(for: Screen(size: size))
        #expect(rows.count == 10)
        #expect(rows[0].hasPrefix("┌ Produce ─") && rows[0].hasSuffix("┐") && TextWidth.of(rows[0]) == width)
        #expect(Array(rows[1...8]) == framed([
            "",
            "   Topic     orders",
            "   Partition blank = by key (default partitioner)",
            "   Key       blank = no key",
            " › Value",
            "   Headers   k=v,k2=v2",
            "",
            " ⏎ produce  Tab next field  Esc cancel",
        ], width: width), "\(rows.joined(separator: "\n"))")
        #expect(rows[9].hasPrefix("└─") && rows[9].hasSuffix("┘"))
    }

    @Test(arguments: sizes) func produceDialogExplainsBadInputUnderTheFields(size: Size) throws {
        let app = Fixtures.app([TopicsView(selecting: "orders")])
        press(app, [.char("p"), .up, .up] + Key.typing("x") + [.tab, .tab, .tab] + Key.typing("a") + [.enter])
        let rows = try box(app.render(size: size), title: "Produce")
        let width = FormDialog.width(for: Screen(size: size))
        #expect(Array(rows[2...7]) == framed([
            "   Topic     orders",
            "   Partition x",
            "             'x' is not a partition number.",
            "   Key       blank = no key",
            "   Value",
            " › Headers   a",
        ], width: width), "\(rows.joined(separator: "\n"))")
        #expect(rows[8] == framed(["             'a' has no '=': write key=value,key2=value2."], width: width)[0])
    }

    @Test(arguments: sizes) func produceDialogNamesAnUnknownTopicAndABadPartition(size: Size) throws {
        let app = Fixtures.app([TopicsView()])
        press(app, [.char(":")] + Key.typing("produce orders") + [.enter])
        press(app, [.up, .up] + Key.typing("7") + [.enter])
        var text = try box(app.render(size: size), title: "Produce").joined(separator: "\n")
        #expect(text.contains("orders has partitions 0-2, not 7."), "\(text)")
        press(app, [.up] + Array(repeating: .backspace, count: 6) + Key.typing("nope") + [.enter])
        text = try box(app.render(size: size), title: "Produce").joined(separator: "\n")
        #expect(text.contains("Unknown topic nope."), "\(text)")
    }

    @Test(arguments: sizes) func createTopicDialogShowsKafkasRules(size: Size) throws {
        let app = Fixtures.app([TopicsView()])
        press(app, [.char("n")] + Key.typing("bad name") + [.tab] + Key.typing("0") + [.tab] + Key.typing("3") + [.enter])
        let rows = try box(app.render(size: size), title: "Create topic")
        let width = FormDialog.width(for: Screen(size: size))
        #expect(Array(rows[1...11]) == framed([
            "",
            "   Name        bad name",
            "               Topic name \"bad name\" is illegal, it contains a character",
            "               other than ASCII alphanumerics, '.', '_' and '-'",
            "   Partitions  0",
            "               Partitions must be a positive number, not '0'.",
            " › Replication 3",
            "               Only 2 brokers are up: at most 2.",
            "   Configs     retention.ms=86400000,cleanup.policy=compact",
            "",
            " ⏎ create  Tab next field  Esc cancel",
        ], width: width), "\(rows.joined(separator: "\n"))")
        #expect(rows[12].hasPrefix("└─"))
    }

    @Test(arguments: sizes) func resetOffsetsDialogEmptyForm(size: Size) throws {
        let app = Fixtures.app([GroupsView(selecting: "audit")])
        app.handle(.char("r"))
        let rows = try box(app.render(size: size), title: "Reset offsets of audit")
        let width = FormDialog.width(for: Screen(size: size))
        #expect(Array(rows[1...7]) == framed([
            "",
            " › Scope    ← all topics →",
            "   Topic    (not used: every partition the group committed)",
            "   Strategy   earliest",
            "   Value    (not used)",
            "",
            " ⏎ preview  Tab next field  ←/→ choose  Esc cancel",
        ], width: width), "\(rows.joined(separator: "\n"))")
    }

    @Test(arguments: sizes) func resetOffsetsPreviewTable(size: Size) async throws {
        let backend = FakeBackend()
        backend.plan = OffsetResetPlan(groupId: "audit", groupState: .empty, rows: [
            OffsetResetRow(topicPartition: TopicPartition("orders", 0), currentOffset: 1150, newOffset: 0),
            OffsetResetRow(topicPartition: TopicPartition("orders", 1), currentOffset: nil, newOffset: 100),
        ])
        let app = Fixtures.app([GroupsView(selecting: "audit")], backend: backend)
        press(app, [.char("r"), .enter])
        await app.bridge.waitUntilIdle()
        app.tick()
        let rows = try box(app.render(size: size), title: "Reset offsets of audit")
        let text = rows.joined(separator: "\n")
        #expect(rows[2].hasPrefix("│ 2 partitions, to earliest · all topics"), "\(text)")
        #expect(rows[4].hasPrefix("│ TOPIC ") && rows[4].contains("PARTITION     CURRENT             NEW"))
        #expect(rows[5].contains("orders ") && rows[5].contains("        0        1150  →            0"), "\(text)")
        #expect(rows[6].contains("        1           -  →          100"))
        #expect(rows.contains { $0.hasPrefix("│ y reset these offsets  n/Esc back to the form") })
    }

    @Test(arguments: sizes) func resetOffsetsRefusalWithActiveMembers(size: Size) async throws {
        let backend = FakeBackend()
        backend.plan = OffsetResetPlan(groupId: "billing", groupState: .stable, rows: [
            OffsetResetRow(topicPartition: TopicPartition("orders", 0), currentOffset: 1150, newOffset: 0),
        ])
        let app = Fixtures.app([GroupsView(selecting: "billing")], backend: backend)
        press(app, [.char("r"), .enter])
        await app.bridge.waitUntilIdle()
        app.tick()
        var text = try box(app.render(size: size), title: "Reset offsets of billing").joined(separator: "\n")
        #expect(text.contains("The group has active members (Stable): the reset will be"), "\(text)")
        backend.failure = BackendError(GroupError.groupNotInactive(groupId: "billing", state: .stable).description)
        app.handle(.char("y"))
        await app.bridge.waitUntilIdle()
        app.tick()
        let dialog = try #require(app.overlay as? ResetOffsetsDialog, "the dialog stays open")
        #expect(dialog.message == .error("Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable."))
        text = try box(app.render(size: size), title: "Reset offsets of billing").joined(separator: "\n")
        #expect(text.contains("Assignments can only be reset if the group 'billing' is"), "\(text)")
    }
}
