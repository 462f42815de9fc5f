@testable import BrokerEngine
@testable import Console
import Glibc
import LogStore
import Testing

/// Every screen the console can show, for checks that must hold on all of them.
private func everyScreen(options: ConsoleOptions, snapshot: ClusterSnapshot = Fixtures.snapshot()) -> [Screen] {
    let stacks: [[any ConsoleView]] = [
        [BrokersView()], [TopicsView()], [TopicsView(), PartitionsView(topic: "orders")],
        [TopicsView(), PartitionsView(topic: "orders"), SegmentsView(partition: TopicPartition("orders", 0))],
        [TopicsView(), TopicConfigsView(topic: "orders")], [GroupsView()], [GroupsView(), GroupDetailView(groupId: "billing")],
    ]
    var screens: [Screen] = []
    for size in [Fixtures.small, Fixtures.large] {
        for stack in stacks {
            let app = Fixtures.app(stack, options: options)
            app.apply(.snapshot(snapshot))
            screens.append(app.render(size: size))
            for overlayKeys in [[Key.char("?")], [.char(":")], [.char("q")], [.char("/")] + Key.typing("o")] {
                let app = Fixtures.app(stack, options: options)
                app.apply(.snapshot(snapshot))
                for key in overlayKeys { app.handle(key) }
                screens.append(app.render(size: size))
            }
        }
    }
    return screens
}

@Suite struct CharsetAndColorTests {
    @Test func asciiDrawsOnlyASCIIEvenForUserData() {
        var options = Fixtures.options
        options.glyphs = .ascii
        var snapshot = Fixtures.snapshot()
        snapshot.topics[0].name = "café-日本\u{1B}[31m"
        snapshot.groups[0].groupId = "grüppe"
        for screen in everyScreen(options: options, snapshot: snapshot) {
            for row in screen.text() {
                #expect(row.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 }, "non-ASCII in: \(row)")
            }
        }
        let app = Fixtures.app([TopicsView(), PartitionsView(topic: "payments")], options: options)
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(2).hasPrefix("+ Topics > payments -"))
        #expect(screen.row(3).hasPrefix("|   P LEADER"))
        #expect(screen.row(22).hasPrefix("+---"))
        #expect(screen.row(23).hasPrefix(" Enter segments  c configs  t tail  p produce  Esc back"))
        #expect(screen.row(1).contains(" | out "))
        let topicsApp = Fixtures.app([TopicsView()], options: options)
        topicsApp.apply(.snapshot(snapshot))
        let topics = topicsApp.render(size: Fixtures.small)
        #expect(topics.line(containing: "caf?-???[31m") != nil, "one ? per character, escape included")
    }

    @Test func noColorLeavesAttributesOnly() {
        var options = Fixtures.options
        options.theme = .monochrome
        for screen in everyScreen(options: options) {
            for row in 0..<screen.size.rows {
                for column in 0..<screen.size.columns {
                    #expect(!screen.cell(row, column).style.hasColor, "colour at \(row),\(column): \(screen.row(row))")
                }
            }
        }
        // Selection and warnings stay visible without colour.
        let screen = Fixtures.app([TopicsView()], options: options).render(size: Fixtures.small)
        #expect(screen.cell(4, 2).style.isReverse)
        let payments = screen.rowIndex(containing: "│ payments ")!
        #expect(screen.cell(payments, 2).style.isBold)
    }

    @Test func noColorFollowsTheConvention() {
        #expect(!Theme.forEnvironment(["NO_COLOR": "1"]).usesColor)
        #expect(!Theme.forEnvironment(["NO_COLOR": "yes please"]).usesColor)
        #expect(Theme.forEnvironment(["NO_COLOR": ""]).usesColor, "an empty NO_COLOR does not count")
        #expect(Theme.forEnvironment([:]).usesColor)
        for role in Theme.Role.allCases { #expect(!Theme.monochrome[role].hasColor) }
    }

    @Test func theColoredThemeUsesColor() {
        let screen = Fixtures.app([BrokersView()]).render(size: Fixtures.small)
        let stopped = screen.rowIndex(containing: "stopped")!
        let column = screen.column(of: "stopped", inRow: stopped)!
        #expect(screen.cell(stopped, column).style.foreground == .red)
    }
}

@Suite struct TerminalKeyTests {
    @Test func charactersBecomeKeys() {
        #expect(Terminal.characterKey(3) == .ctrl("c"))
        #expect(Terminal.characterKey(12) == .ctrl("l"))
        #expect(Terminal.characterKey(10) == .enter)
        #expect(Terminal.characterKey(13) == .enter)
        #expect(Terminal.characterKey(27) == .escape)
        #expect(Terminal.characterKey(127) == .backspace)
        #expect(Terminal.characterKey(9) == .tab)
        #expect(Terminal.characterKey(UInt32(UInt8(ascii: "q"))) == .char("q"))
        #expect(Terminal.characterKey(0xE9) == .char("é"))
        #expect(Terminal.characterKey(0) == nil)
    }

    @Test func functionKeysBecomeKeys() {
        // ncurses' codes (curses.h): KEY_DOWN 0402, KEY_UP 0403, KEY_NPAGE 0522, KEY_PPAGE 0523,
        // KEY_BTAB 0541, KEY_RESIZE 0632, KEY_F0 0410.
        #expect(Terminal.functionKey(0o402) == .down)
        #expect(Terminal.functionKey(0o403) == .up)
        #expect(Terminal.functionKey(0o522) == .pageDown)
        #expect(Terminal.functionKey(0o523) == .pageUp)
        #expect(Terminal.functionKey(0o541) == .backTab)
        #expect(Terminal.functionKey(0o632) == .resize)
        #expect(Terminal.functionKey(0o410 + 5) == .function(5))
        #expect(Terminal.functionKey(0o777) == nil)
    }

    @Test func openingWithoutATerminalFailsCleanly() {
        // `swift test` runs with pipes, not a TTY.
        guard isatty(0) == 0 || isatty(1) == 0 else { return }
        #expect(throws: Terminal.OpenError.self) { try Terminal(charset: .unicode, colors: true) }
    }
}
