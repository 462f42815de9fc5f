@testable import BrokerEngine
@testable import Console
import LogStore
import Testing

/// Scripted keys through `ConsoleApp.handle`, the same path the terminal loop uses.
@Suite struct KeyHandlingTests {
    func press(_ app: ConsoleApp, _ keys: [Key]) {
        for key in keys { app.handle(key) }
    }

    @Test func enterDrillsInAndEscComesBack() throws {
        let app = Fixtures.app([TopicsView()])
        app.handle(.enter)
        let partitions = try #require(app.top as? PartitionsView)
        #expect(partitions.topic == "orders")
        app.handle(.char("j"))
        app.handle(.char("l"))
        let segments = try #require(app.top as? SegmentsView)
        #expect(segments.partition == TopicPartition("orders", 1))
        app.handle(.escape)
        #expect(app.top is PartitionsView)
        app.handle(.char("h"))
        #expect(app.top is TopicsView)
        app.handle(.escape)
        #expect(app.stack.count == 1, "Esc at the root stays")
        #expect(!app.isFinished)
    }

    @Test func drillingFromGroupsAndBrokers() throws {
        let app = Fixtures.app([GroupsView()])
        press(app, [.down, .enter])
        #expect((app.top as? GroupDetailView)?.groupId == "billing")
        app.apply([.replaceStack([BrokersView()])])
        app.handle(.enter)
        #expect(app.top is TopicsView)
    }

    @Test func arrowsPagesAndEndsMoveTheSelection() {
        let view = TopicsView()
        let app = Fixtures.app([view])
        let context = app.context()
        press(app, [.down, .down])
        #expect(view.selectedRowID(context: context) == "__consumer_offsets")
        app.handle(.down)
        #expect(view.selectedRowID(context: context) == "__consumer_offsets", "the selection stops at the end")
        press(app, [.char("g")])
        #expect(view.selectedRowID(context: context) == "orders")
        press(app, [.end])
        #expect(view.selectedRowID(context: context) == "__consumer_offsets")
        press(app, [.pageUp])
        #expect(view.selectedRowID(context: context) == "orders")
        press(app, [.char("k"), .pageDown])
        #expect(view.selectedRowID(context: context) == "__consumer_offsets")
    }

    @Test func slashFiltersLiveEnterKeepsEscClears() throws {
        let view = TopicsView()
        let app = Fixtures.app([view])
        app.handle(.char("/"))
        #expect(app.overlay is PromptOverlay)
        press(app, Key.typing("pay"))
        #expect(view.filterText == "pay")
        var screen = app.render(size: Fixtures.small)
        #expect(screen.row(Fixtures.small.rows - 1).hasPrefix("/pay"))
        #expect(screen.line(containing: "│ orders ") == nil)
        #expect(screen.line(containing: "│ payments ") != nil)
        app.handle(.enter)
        #expect(app.overlay == nil)
        screen = app.render(size: Fixtures.small)
        #expect(screen.row(2).hasSuffix(" /pay 1/1 of 3 ┐"))
        // Esc first clears the filter, then goes back.
        app.handle(.escape)
        #expect(view.filterText.isEmpty)
        press(app, [.char("/")] + Key.typing("zzz") + [.escape])
        #expect(view.filterText.isEmpty && app.overlay == nil, "Esc in the prompt clears the filter")
        press(app, [.char("/")] + Key.typing("nothing-matches") + [.enter])
        #expect(app.render(size: Fixtures.small).line(containing: "No rows match /nothing-matches") != nil)
    }

    @Test func filterEditingKeys() {
        let view = TopicsView()
        let app = Fixtures.app([view])
        press(app, [.char("/")] + Key.typing("orders x") + [.backspace])
        #expect(view.filterText == "orders ")
        press(app, [.ctrl("w")])
        #expect(view.filterText == "")
        press(app, Key.typing("abc") + [.ctrl("u")])
        #expect(view.filterText == "")
    }

    @Test func quitAsksFirst() throws {
        let app = Fixtures.app()
        app.handle(.char("q"))
        let confirm = try #require(app.overlay as? ConfirmOverlay)
        #expect(confirm.confirmation.title == "Quit Wharf")
        let screen = app.render(size: Fixtures.small)
        #expect(screen.line(containing: "┌ Quit Wharf ") != nil)
        #expect(screen.line(containing: "y Quit   n Cancel") != nil)
        app.handle(.enter)
        #expect(!app.isFinished && app.overlay != nil, "Enter does not confirm")
        app.handle(.char("n"))
        #expect(!app.isFinished && app.overlay == nil)
        press(app, [.char("q"), .char("y")])
        #expect(app.isFinished)
    }

    @Test func ctrlCQuitsAtOnce() {
        let app = Fixtures.app([TopicsView(), PartitionsView(topic: "orders")])
        app.handle(.ctrl("c"))
        #expect(app.isFinished)
    }

    @Test func theLoopQuitsOnASignal() {
        let terminal = ScriptedTerminal(size: Fixtures.small, keys: [])
        terminal.interruptAfterFrames = 1
        let app = Fixtures.app()
        app.run(on: terminal, keyTimeoutMs: 1)
        #expect(app.isFinished)
        #expect(terminal.frames.count >= 1)
    }

    @Test func theLoopDrawsReadsKeysAndFollowsResizes() throws {
        let terminal = ScriptedTerminal(size: Fixtures.large, keys: [.enter, .resize, .char("q"), .char("y")])
        terminal.resizeTo = Fixtures.small
        let app = Fixtures.app()
        app.run(on: terminal, keyTimeoutMs: 1)
        #expect(app.isFinished)
        #expect(terminal.invalidations >= 1, "a resize repaints everything")
        let last = try #require(terminal.frames.last)
        #expect(last.size == Fixtures.small)
        #expect(last.row(2).hasPrefix("┌ Topics › orders "))
    }

    @Test func stoppingABrokerAsksThenRunsOffTheDrawingThread() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([BrokersView()], backend: backend)
        press(app, [.down, .char("s")])
        let confirm = try #require(app.overlay as? ConfirmOverlay)
        #expect(confirm.confirmation.title == "Stop broker 2")
        #expect(backend.calls.isEmpty)
        app.handle(.char("y"))
        #expect(app.status?.message.text == "Stopping broker 2…")
        await app.bridge.waitUntilIdle()
        app.tick()
        #expect(backend.calls == [.stopBroker(2, controlled: true)])
        #expect(app.status?.message == StatusMessage("Broker 2 stopped"))
        #expect(app.render(size: Fixtures.small).row(Fixtures.small.rows - 1) == " Broker 2 stopped")
    }

    @Test func aStoppedBrokerStartsWithoutAsking() async {
        let backend = FakeBackend()
        let app = Fixtures.app([BrokersView()], backend: backend)
        press(app, [.char("G"), .char("s")])
        #expect(app.overlay == nil)
        await app.bridge.waitUntilIdle()
        #expect(backend.calls == [.startBroker(3)])
    }

    @Test func failuresLandInTheStatusLine() async {
        let backend = FakeBackend()
        backend.failure = BackendError("Broker 2 is not running.")
        let app = Fixtures.app([BrokersView()], backend: backend)
        press(app, [.down, .char("s"), .char("y")])
        await app.bridge.waitUntilIdle()
        app.tick()
        #expect(app.status?.message == .error("Stopping broker 2 failed: Broker 2 is not running."))
    }

    @Test func deletingATopicAsksFirst() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView()], backend: backend)
        press(app, [.down, .char("d")])
        let confirm = try #require(app.overlay as? ConfirmOverlay)
        #expect(confirm.confirmation.title == "Delete topic payments")
        app.handle(.escape)
        await app.bridge.waitUntilIdle()
        #expect(backend.calls.isEmpty)
        press(app, [.char("d"), .char("y")])
        await app.bridge.waitUntilIdle()
        #expect(backend.calls == [.deleteTopic("payments")])
    }

    @Test func readOnlyRefusesWhatChangesTheCluster() async {
        var options = Fixtures.options
        options.readOnly = true
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView()], options: options, backend: backend)
        app.handle(.char("d"))
        #expect(app.overlay == nil)
        #expect(app.status?.message == .error("Read-only: delete is disabled"))
        press(app, [.char(":")] + Key.typing("stop-broker 1") + [.enter])
        #expect((app.overlay as? PaletteOverlay)?.error == "Read-only: stop-broker is disabled")
        app.handle(.escape)
        app.apply([.replaceStack([BrokersView()])])
        app.handle(.char("s"))
        await app.bridge.waitUntilIdle()
        #expect(backend.calls.isEmpty)
        #expect(app.render(size: Fixtures.small).row(0).contains("[read-only]"))
    }

    @Test func dataNeedsAreFetchedWhileAViewIsShown() async throws {
        let backend = FakeBackend()
        let app = ConsoleApp(backend: backend, options: Fixtures.options, root: TopicsView())
        app.apply(.snapshot(Fixtures.snapshot()))
        press(app, [.enter, .enter])
        app.tick()
        await app.bridge.waitUntilIdle()
        app.tick()
        #expect(backend.calls == [.segments(TopicPartition("orders", 0))])
        #expect(app.segments[TopicPartition("orders", 0)]?.value?.count == 2)
        app.tick()
        await app.bridge.waitUntilIdle()
        #expect(backend.calls.count == 1, "not again within the refresh interval")
    }
}

/// A terminal that plays keys and records frames: tests drive the real loop with it.
final class ScriptedTerminal: TerminalDevice {
    var size: Size
    private var keys: [Key]
    var frames: [Screen] = []
    var invalidations = 0
    var resizeTo: Size?
    var interruptAfterFrames: Int?

    init(size: Size, keys: [Key]) {
        self.size = size
        self.keys = keys
    }

    func draw(_ screen: Screen) { frames.append(screen) }

    func readKey(timeoutMs: Int) -> Key? {
        guard !keys.isEmpty else { return nil }
        let key = keys.removeFirst()
        if key == .resize, let resizeTo { size = resizeTo }
        return key
    }

    func invalidate() { invalidations += 1 }

    var isInterrupted: Bool {
        if let limit = interruptAfterFrames { return frames.count >= limit }
        return keys.isEmpty && frames.count > 50
    }
}
