@testable import BrokerEngine
@testable import Console
import LogStore
import Testing

/// The binding and command tables are the one source of the footer, the help and the
/// palette: changing a table changes all three.
@Suite struct BindingTableTests {
    static var views: [any ConsoleView] { [
        BrokersView(), TopicsView(), PartitionsView(topic: "orders"), SegmentsView(partition: TopicPartition("orders", 0)),
        TopicConfigsView(topic: "orders"), GroupsView(), GroupDetailView(groupId: "billing"),
    ] }

    @Test func everyFooterBindingIsInTheFooterAndEveryBindingInHelp() {
        for view in Self.views {
            let app = Fixtures.app([TopicsView(), view])
            let screen = app.render(size: Size(rows: 40, columns: 200))
            let footer = screen.row(39)
            for binding in view.bindings where binding.showInFooter {
                let hint = "\(binding.keys[0].displayName(.unicode)) \(binding.label)"
                #expect(footer.contains(hint), "\(view.title): footer \(footer) lacks \(hint)")
            }
            #expect(footer.contains("Esc back") && footer.contains("? help") && footer.contains("q quit"))
            let help = HelpOverlay.lines(context: app.context()).map(\.plainText)
            for binding in view.bindings + GlobalBindings.table {
                #expect(help.contains { $0.contains(binding.description) && $0.contains(binding.keyNames(.unicode)) },
                        "\(view.title): help lacks \(binding.description)")
            }
            for command in PaletteCommands.standard {
                #expect(help.contains { $0.contains(":" + command.usage) && $0.contains(command.description) })
            }
        }
    }

    /// A view added later (the dialogs' worker): its table alone puts it in footer and help,
    /// and its actions reach it.
    @Test func aNewViewsTableFeedsFooterHelpAndDispatch() throws {
        final class ProbeView: TableView {
            var performed: [Action] = []
            override var title: String { "Probe" }
            override var bindings: [KeyBinding] {
                [KeyBinding([.char("x")], Action("probe.x"), label: "explode", description: "Explode the probe", isDangerous: true)]
            }
            override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
                guard action == Action("probe.x") else { return nil }  // global actions stay with the app
                performed.append(action)
                return [.status(StatusMessage("probed"))]
            }
        }
        let probe = ProbeView()
        let app = Fixtures.app([probe])
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(23).hasPrefix(" x explode  / filter"))
        let key = try #require(screen.column(of: "x explode", inRow: 23))
        #expect(screen.cell(23, key).style == Theme.colored[.dangerousKey])
        app.handle(.char("?"))
        #expect(app.render(size: Fixtures.large).line(containing: "x             Explode the probe") != nil)
        app.handle(.escape)
        app.handle(.char("x"))
        #expect(probe.performed == [Action("probe.x")])
        #expect(app.status?.message.text == "probed")
    }

    @Test func footerDropsHintsThatDoNotFitButKeepsHelp() {
        let bindings = Chrome.footerBindings(focus: .init(title: "Topics", bindings: TopicsView().bindings, canGoBack: true,
                                                          isFilterable: true), readOnly: false)
        let narrow = Chrome.footer(bindings: bindings, width: 40, glyphs: .unicode).plainText
        #expect(narrow.hasSuffix("? help  "))
        #expect(narrow.count <= 40)
        let readOnly = Chrome.footerBindings(focus: .init(title: "Topics", bindings: TopicsView().bindings), readOnly: true)
        #expect(!readOnly.contains { $0.action == .deleteTopic || $0.action == .createTopic })
    }

    @Test func helpMarksWhatReadOnlyTurnsOff() {
        var options = Fixtures.options
        options.readOnly = true
        let app = Fixtures.app([TopicsView()], options: options)
        let help = HelpOverlay.lines(context: app.context()).map(\.plainText)
        #expect(help.contains { $0.contains("Delete the selected topic and its data  :delete (off: read-only)") })
        #expect(help.contains { $0.contains(":stop-broker ID") && $0.contains("(off: read-only)") })
    }

    @Test func helpScrollsAndCloses() throws {
        let app = Fixtures.app()
        app.handle(.char("?"))
        #expect(app.overlay is HelpOverlay)
        var screen = app.render(size: Fixtures.small)
        #expect(screen.line(containing: "┌ Help (? or Esc closes)") != nil)
        #expect(screen.line(containing: "Topics keys") != nil)
        app.handle(.char("G"))
        screen = app.render(size: Fixtures.small)
        #expect(screen.line(containing: ":quit") != nil)
        #expect(screen.line(containing: "Topics keys") == nil)
        app.handle(.char("?"))
        #expect(app.overlay == nil)
    }
}

@Suite struct PaletteTests {
    func palette(_ app: ConsoleApp, typing text: String) throws -> PaletteOverlay {
        app.handle(.char(":"))
        for key in Key.typing(text) { app.handle(key) }
        return try #require(app.overlay as? PaletteOverlay)
    }

    @Test func commandNamesCompleteWithTab() throws {
        let app = Fixtures.app([BrokersView()])
        let palette = try palette(app, typing: "to")
        #expect(palette.suggestions(context: app.context()).map(\.label) == ["topics"])
        app.handle(.tab)
        #expect(palette.text == "topics")
        app.handle(.enter)
        #expect(app.overlay == nil)
        #expect(app.stack.count == 1 && app.top is TopicsView)
    }

    @Test func argumentsCompleteFromTheSnapshot() throws {
        let app = Fixtures.app([BrokersView()])
        let palette = try palette(app, typing: "partitions ")
        let context = app.context()
        #expect(palette.suggestions(context: context).map(\.label) == ["__consumer_offsets", "orders", "payments"])
        app.handle(.char("o"))
        app.handle(.tab)
        #expect(palette.text == "partitions orders")
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(23) == ":partitions orders")
        app.handle(.enter)
        #expect(app.stack.map(\.title) == ["Topics", "orders"])
    }

    @Test func partitionsOfTheNamedTopicComplete() throws {
        let app = Fixtures.app()
        let palette = try palette(app, typing: "segments orders ")
        #expect(palette.suggestions(context: app.context()).map(\.label) == ["0", "1", "2"])
        app.handle(.down)
        app.handle(.tab)
        app.handle(.enter)
        #expect(app.stack.map(\.title) == ["Topics", "orders", "partition 1"])
    }

    @Test func suggestionsShowAboveTheField() throws {
        let app = Fixtures.app()
        _ = try palette(app, typing: "")
        let screen = app.render(size: Fixtures.large)
        #expect(screen.line(containing: "┌ commands ") != nil)
        #expect(screen.line(containing: "brokers") != nil)
        #expect(screen.line(containing: "partitions TOPIC") != nil)
    }

    @Test func anUnfinishedNameRunsTheHighlightedCommand() throws {
        let app = Fixtures.app()
        _ = try palette(app, typing: "gro")
        #expect((app.overlay as? PaletteOverlay)?.suggestions(context: app.context()).map(\.label) == ["groups", "group GROUP"])
        app.handle(.enter)
        #expect(app.top is GroupsView)
    }

    @Test func mistakesKeepThePaletteOpenWithTheReason() throws {
        let app = Fixtures.app()
        let palette = try palette(app, typing: "partitions nope")
        app.handle(.enter)
        #expect(palette.error == "No topic nope")
        #expect(app.overlay === palette)
        #expect(app.render(size: Fixtures.small).row(22) == " No topic nope")
        for _ in 0..<4 { app.handle(.backspace) }
        #expect(palette.error == nil)
        app.handle(.ctrl("u"))
        for key in Key.typing("frobnicate") { app.handle(key) }
        app.handle(.enter)
        #expect(palette.error?.hasPrefix("Unknown command frobnicate") == true)
        app.handle(.ctrl("u"))
        for key in Key.typing("group") { app.handle(key) }
        app.handle(.enter)
        #expect(palette.error == "Usage: group GROUP")
        app.handle(.escape)
        #expect(app.overlay == nil && app.top is TopicsView)
    }

    @Test func theFocusedViewsBindingsAreCommandsToo() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app([TopicsView()], backend: backend)
        app.handle(.down)
        let palette = try palette(app, typing: "de")
        let suggestions = palette.suggestions(context: app.context())
        #expect(suggestions.map(\.label) == ["delete-topic TOPIC", "delete"])
        #expect(suggestions[1].detail == "Delete the selected topic and its data (d)")
        for key in Key.typing("lete") { app.handle(key) }
        app.handle(.enter)
        let confirm = try #require(app.overlay as? ConfirmOverlay)
        #expect(confirm.confirmation.title == "Delete topic payments", "acts on the selection, like d")
        // Every view binding with a command name is offered while its view is on top, and
        // help names it beside the keys.
        for view in BindingTableTests.views {
            let app = Fixtures.app([view])
            let palette = PaletteOverlay()
            let names = palette.allCommands(context: app.context()).map(\.name)
            let help = HelpOverlay.lines(context: app.context()).map(\.plainText)
            for binding in view.bindings {
                guard let command = binding.command else { continue }
                #expect(names.contains(command))
                #expect(help.contains { $0.contains(binding.description) && $0.contains(":" + command) })
            }
        }
        #expect(!PaletteOverlay().allCommands(context: Fixtures.app([GroupsView()]).context()).map(\.name).contains("delete"))
    }

    @Test func viewCommandsRespectReadOnly() async throws {
        var options = Fixtures.options
        options.readOnly = true
        let backend = FakeBackend()
        let app = Fixtures.app([BrokersView()], options: options, backend: backend)
        let palette = try palette(app, typing: "stop-start")
        app.handle(.enter)
        #expect(palette.error == "Read-only: stop-start is disabled")
        await app.bridge.waitUntilIdle()
        #expect(backend.calls.isEmpty)
    }

    @Test func createTopicAndQuitCommands() async throws {
        let backend = FakeBackend()
        let app = Fixtures.app(backend: backend)
        _ = try palette(app, typing: "create-topic clicks 4")
        app.handle(.enter)
        await app.bridge.waitUntilIdle()
        #expect(backend.calls == [.createTopic("clicks", partitions: 4, replicationFactor: -1)])
        _ = try palette(app, typing: "quit")
        app.handle(.enter)
        #expect(app.isFinished)
    }
}
