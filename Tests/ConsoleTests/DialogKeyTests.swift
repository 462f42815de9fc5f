@testable import BrokerEngine
@testable import Console
import LogStore
import Testing

/// Keys in the dialogs, over the fixture cluster and a recording backend: moving between
/// fields, cycling choices, bad input that keeps the dialog open and performs nothing, and
/// what a good submission asks of the backend.
@Suite struct DialogKeyTests {
    func press(_ app: ConsoleApp, _ keys: [Key]) {
        for key in keys { app.handle(key) }
    }

    /// Lets the backend finish and the app apply the outcome.
    func settle(_ app: ConsoleApp) async {
        await app.bridge.waitUntilIdle()
        app.tick()
    }

    @Test func tabAndArrowsMoveBetweenFieldsAndWrap() throws {
        var form = Form([FormField("a", label: "A"), FormField("b", label: "B", kind: .choice(["x", "y", "z"])),
                         FormField("c", label: "C")])
        #expect(form.handle(.tab) == .handled && form.focused == 1)
        #expect(form.handle(.down) == .handled && form.focused == 2)
        #expect(form.handle(.tab) == .handled && form.focused == 0)
        #expect(form.handle(.backTab) == .handled && form.focused == 2)
        #expect(form.handle(.up) == .handled && form.focused == 1)
        #expect(form.handle(.escape) == .cancel)
        #expect(form.handle(.enter) == .submit)
    }

    @Test func choicesCycleWithArrowsAndSpaceAndTextFieldsEdit() throws {
        var form = Form([FormField("a", label: "A"), FormField("b", label: "B", kind: .choice(["x", "y", "z"]))])
        for key in Key.typing("orders ") { _ = form.handle(key) }
        #expect(form["a"] == "orders ")
        #expect(form.handle(.backspace) == .edited && form["a"] == "orders")
        #expect(form.handle(.right) == .handled && form.fields[0].cursorFromEnd == 0, "the cursor is at the end already")
        _ = form.handle(.tab)
        #expect(form["b"] == "x")
        #expect(form.handle(.right) == .edited && form["b"] == "y")
        #expect(form.handle(.char(" ")) == .edited && form["b"] == "z")
        #expect(form.handle(.right) == .edited && form["b"] == "x")
        #expect(form.handle(.left) == .edited && form["b"] == "z")
        #expect(form.handle(.char("q")) == .ignored && form["b"] == "z")
    }

    @Test func textFieldsEditAtTheCursor() throws {
        var form = Form([FormField("a", label: "A", value: "ordrs")])
        // A preset value is appended to.
        #expect(form.handle(.char("!")) == .edited && form["a"] == "ordrs!")
        #expect(form.handle(.backspace) == .edited && form["a"] == "ordrs")
        for _ in 0..<2 { #expect(form.handle(.left) == .handled) }
        #expect(form.handle(.char("e")) == .edited && form["a"] == "orders")
        #expect(form.fields[0].cursorFromEnd == 2, "the cursor stays before `rs`")
        #expect(form.handle(.home) == .handled && form.handle(.delete) == .edited && form["a"] == "rders")
        #expect(form.handle(.char("o")) == .edited && form["a"] == "orders")
        #expect(form.handle(.ctrl("e")) == .handled && form.handle(.delete) == .handled && form["a"] == "orders",
                "Delete at the end changes nothing")
        #expect(form.handle(.ctrl("a")) == .handled && form.handle(.left) == .handled && form.fields[0].cursorFromEnd == 6)
        #expect(form.handle(.backspace) == .edited && form["a"] == "orders", "Backspace at the start changes nothing")
        for _ in 0..<3 { _ = form.handle(.right) }
        #expect(form.handle(.ctrl("w")) == .edited && form["a"] == "ers", "Ctrl-W deletes the word before the cursor")
        #expect(form.handle(.ctrl("u")) == .edited && form["a"] == "")
    }

    @Test func theCursorIsDrawnWhereItIs() throws {
        var form = Form([FormField("a", label: "Topic", value: "orders")])
        _ = form.handle(.left)
        _ = form.handle(.left)
        var screen = Screen(size: Size(rows: 3, columns: 40), glyphs: .unicode)
        _ = form.render(into: &screen, area: Rect(row: 0, column: 0, height: 3, width: 40), theme: .colored, glyphs: .unicode)
        let row = screen.row(0)
        let start = try #require(row.range(of: "orders").map { row.distance(from: row.startIndex, to: $0.lowerBound) },
                                 "the whole value is drawn: \(row)")
        // The cursor is before `rs`: the reverse-video cell is that `r`, and only it.
        let reversed = (0..<40).filter { screen.cell(0, $0).style.attributes.contains(.reverse) }
        #expect(reversed == [start + 4], "reverse-video cells \(reversed) in \(row)")
    }

    @Test func editingAFieldClearsItsError() {
        let app = Fixtures.app([TopicsView(selecting: "orders")])
        press(app, [.char("p"), .tab] + Key.typing("a") + [.enter])
        let dialog = app.overlay as? ProduceDialog
        #expect(dialog?.form.fields[4].error != nil)
        app.handle(.backspace)
        #expect(dialog?.form.fields[4].error == nil)
    }

    @Test func badInputKeepsEachDialogOpenAndPerformsNothing() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView(selecting: "orders")], backend: backend)
        press(app, [.char("p"), .up, .up] + Key.typing("-1") + [.enter])
        #expect(app.overlay is ProduceDialog)
        press(app, [.escape, .char("n")] + Key.typing(".") + [.enter])
        #expect((app.overlay as? CreateTopicDialog)?.form.fields[0].error == "Topic name cannot be \".\" or \"..\"")
        app.apply([.dismissOverlay, .replaceStack([GroupsView(selecting: "audit")])])
        press(app, [.char("r"), .down, .down, .right, .right, .right, .down] + Key.typing("2026-13-01T00:00:00") + [.enter])
        let reset = try #require(app.overlay as? ResetOffsetsDialog)
        #expect(reset.form["strategy"] == "datetime")
        #expect(reset.form.fields[3].error == "'2026-13-01T00:00:00' is not a date: YYYY-MM-DDTHH:MM:SS[.sss], optional Z or ±hh:mm.")
        press(app, [.ctrl("u"), .up, .right, .right, .enter])
        #expect(reset.form.fields[3].error == "Give a value for shift-by: N, negative moves back: -100.")
        press(app, [.up, .up, .right] + [.enter])
        #expect(reset.form.fields[1].error == "Give a topic.")
        await app.bridge.waitUntilIdle()
        #expect(backend.calls.isEmpty)
        #expect(app.operationsRunning == 0)
    }

    @Test func produceSendsTheRecordAndShowsWhereItLanded() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView(), PartitionsView(topic: "orders", selecting: 2)], backend: backend)
        press(app, [.char("p"), .up] + Key.typing("customer-7") + [.tab] + Key.typing("{\"total\":12}") + [.tab]
              + Key.typing("source=console, trace=a=b") + [.enter])
        await settle(app)
        #expect(backend.calls == [.produce(ProduceRecord(topic: "orders", partition: 2, key: "customer-7", value: "{\"total\":12}",
                                                         headers: [.init("source", "console"), .init("trace", "a=b")]))])
        let dialog = try #require(app.overlay as? ProduceDialog, "stays open for the next record")
        #expect(dialog.message == .success("Produced to orders-2 at offset 1234"))
        #expect(app.status?.message == StatusMessage("Produced to orders-2 at offset 1234"))
        #expect(app.render(size: Fixtures.small).line(containing: "Produced to orders-2 at offset 1234 ") != nil)
    }

    @Test func produceWithABlankPartitionLeavesItToThePartitioner() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView()], backend: backend)
        press(app, [.char(":")] + Key.typing("produce payments") + [.enter] + Key.typing("v") + [.enter])
        await settle(app)
        #expect(backend.calls == [.produce(ProduceRecord(topic: "payments", partition: nil, key: nil, value: "v"))])
    }

    @Test func createTopicDialogCreatesAndCloses() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView()], backend: backend)
        press(app, [.char("n")] + Key.typing("events") + [.tab] + Key.typing("6") + [.tab] + Key.typing("2") + [.tab]
              + Key.typing("cleanup.policy=compact") + [.enter])
        #expect((app.overlay as? CreateTopicDialog)?.isWaiting == true)
        await settle(app)
        #expect(app.overlay == nil)
        #expect(backend.calls == [.createTopic("events", partitions: 6, replicationFactor: 2)])
        #expect(app.status?.message == StatusMessage("Topic events created"))
    }

    @Test func createTopicShowsTheEnginesErrorInline() async throws {
        let backend = FakeBackend()
        backend.failure = BackendError("Unknown topic config name: retention.mss")
        let app = Fixtures.app([TopicsView()], backend: backend)
        press(app, [.char(":")] + Key.typing("create-topic") + [.enter])
        press(app, Key.typing("events") + [.up] + Key.typing("retention.mss=1") + [.enter])
        await settle(app)
        let dialog = try #require(app.overlay as? CreateTopicDialog)
        #expect(dialog.message == .error("Unknown topic config name: retention.mss"))
        #expect(!dialog.isWaiting)
    }

    @Test func createTopicWithArgumentsStillCreatesAtOnce() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView()], backend: backend)
        press(app, [.char(":")] + Key.typing("create-topic events 4") + [.enter])
        #expect(app.overlay == nil)
        await app.bridge.waitUntilIdle()
        #expect(backend.calls == [.createTopic("events", partitions: 4, replicationFactor: -1)])
    }

    @Test func resetPlansThenAppliesOnY() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([GroupsView(), GroupDetailView(groupId: "audit")], backend: backend)
        press(app, [.char("r"), .right, .right, .tab] + Key.typing("orders:0,2") + [.tab, .left, .tab] + Key.typing("-5") + [.enter])
        await settle(app)
        let scope = OffsetResetScope.partitions([TopicPartition("orders", 0), TopicPartition("orders", 2)])
        #expect(backend.calls == [.planOffsetReset("audit", scope, .shiftBy(-5))])
        let dialog = try #require(app.overlay as? ResetOffsetsDialog)
        let plan = try #require(dialog.plan)
        press(app, [.char("n")])
        #expect(dialog.plan == nil, "n goes back to the form, as typed")
        #expect(dialog.form["topic"] == "orders:0,2")
        press(app, [.enter])
        await settle(app)
        press(app, [.char("y")])
        await settle(app)
        #expect(backend.calls.last == .executeOffsetReset(plan))
        #expect(app.overlay == nil)
        #expect(app.status?.message == StatusMessage("Reset 3 offsets of group audit"))
    }

    @Test func readOnlyRefusesEveryDialog() async {
        var options = Fixtures.options
        options.readOnly = true
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView(selecting: "orders")], options: options, backend: backend)
        app.handle(.char("p"))
        #expect(app.overlay == nil && app.status?.message == .error("Read-only: produce is disabled"))
        app.handle(.char("n"))
        #expect(app.overlay == nil && app.status?.message == .error("Read-only: new is disabled"))
        for command in ["produce orders", "create-topic", "reset-offsets audit"] {
            press(app, [.char(":")] + Key.typing(command) + [.enter])
            let name = String(command.split(separator: " ")[0])
            #expect((app.overlay as? PaletteOverlay)?.error == "Read-only: \(name) is disabled")
            app.handle(.escape)
        }
        app.apply([.replaceStack([GroupsView(selecting: "audit")])])
        app.handle(.char("r"))
        #expect(app.overlay == nil && app.status?.message == .error("Read-only: reset offsets is disabled"))
        await app.bridge.waitUntilIdle()
        #expect(backend.calls.isEmpty)
    }
}
