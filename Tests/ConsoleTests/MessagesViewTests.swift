@testable import BrokerEngine
@testable import Console
import Foundation
import LogStore
import Testing

/// The Messages view drawn from a fixed ring of records at 80×24 and 120×40, and its keys.
/// The session runs against `FakeBackend`, which serves no records, so the ring holds
/// exactly what each test put there.
@Suite struct MessagesViewTests {
    static let sizes = [Fixtures.small, Fixtures.large]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let json = #"{"id":17,"items":[{"sku":"A-1","qty":2}],"total":19.5,"tags":[],"note":"gift, wrapped"}"#

    static func messages() -> [ConsumedRecord] {
        [
            ConsumedRecord(partition: 0, offset: 1195, timestamp: Fixtures.nowMs - 4000, key: bytes("order-17"), value: bytes(json),
                           headers: [.init(key: "trace-id", value: bytes("abc123")), .init(key: "source", value: bytes("web"))]),
            ConsumedRecord(partition: 1, offset: 1100, timestamp: Fixtures.nowMs - 3000, key: nil, value: bytes("plain text\nsecond line")),
            ConsumedRecord(partition: 2, offset: 899, timestamp: Fixtures.nowMs - 2000, key: bytes("bin"),
                           value: [0x00, 0x01, 0xFF, 0x7B, 0x41, 0x42, 0x43, 0x0A, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89]),
            ConsumedRecord(partition: 0, offset: 1196, timestamp: Fixtures.nowMs - 1000, key: bytes("order-18"),
                           value: bytes(#"{"id":18,"total":5}"#)),
        ]
    }

    /// An app showing `Topics › orders › messages` over `records`, 250 records/s arriving.
    func messagesApp(_ records: [ConsumedRecord] = messages(), partition: Int32? = nil) -> (ConsoleApp, MessagesView) {
        let view = MessagesView(topic: "orders", partition: partition)
        let app = Fixtures.app([TopicsView(), PartitionsView(topic: "orders"), view])
        let ring = view.session.ring
        ring.append(records, run: ring.currentRun, nowMs: Fixtures.nowMs)
        ring.recordTraffic(arrived: 1250, run: ring.currentRun, nowMs: Fixtures.nowMs - 1000)
        return (app, view)
    }

    func press(_ app: ConsoleApp, _ keys: [Key]) { for key in keys { app.handle(key) } }
    func type(_ app: ConsoleApp, _ text: String) { press(app, text.map { .char($0) } + [.enter]) }

    @Test(arguments: sizes) func rowsNewestLastWithTheSelectionFollowing(size: Size) async throws {
        let (app, view) = messagesApp()
        let screen = app.render(size: size)
        #expect(screen.row(2).hasPrefix("┌ Topics › orders › messages ─"), "\(screen.row(2))")
        #expect(screen.row(2).hasSuffix(" 4/4 · 250/s · following ┐"), "\(screen.row(2))")
        #expect(screen.row(3).hasPrefix("│ from the end (newest 100 per partition) "))
        if size == Fixtures.large {
            #expect(screen.row(4) == "│   P OFFSET TIMESTAMP               KEY      VALUE                                     HEADERS                        │")
            #expect(screen.row(5) == "│   0   1195 2023-11-14 22:13:16.000 order-17 {\"id\":17,\"items\":[{\"sku\":\"A-1\",\"qty\":2}]… 2: trace-id=abc123, source=web │")
            #expect(screen.row(6) == "│   1   1100 2023-11-14 22:13:17.000 null     plain text second line                                                   │")
            #expect(screen.row(7) == "│   2    899 2023-11-14 22:13:18.000 bin      0x 00 01 ff 7b 41 42 43 0a 80 81 82 83 8…                                │")
            #expect(screen.row(8) == "│   0   1196 2023-11-14 22:13:19.000 order-18 {\"id\":18,\"total\":5}                                                      │")
        } else {
            // 80 columns: the time of day, no headers column (the detail pane has them).
            #expect(screen.row(4) == "│   P OFFSET TIME         KEY      VALUE                                       │")
            #expect(screen.row(5) == "│   0   1195 22:13:16.000 order-17 {\"id\":17,\"items\":[{\"sku\":\"A-1\",\"qty\":2}],\"… │")
            #expect(screen.row(6) == "│   1   1100 22:13:17.000 null     plain text second line                      │")
            #expect(screen.row(7) == "│   2    899 22:13:18.000 bin      0x 00 01 ff 7b 41 42 43 0a 80 81 82 83 84 … │")
            #expect(screen.row(8) == "│   0   1196 22:13:19.000 order-18 {\"id\":18,\"total\":5}                         │")
        }
        // The newest row is selected while following.
        #expect(screen.cell(8, 3).style == Theme.colored[.selected])
        #expect(screen.cell(7, 3).style != Theme.colored[.selected])
        #expect(screen.row(size.rows - 1).hasPrefix(" Space pause  ⏎ detail  o offset  T time  b begin  e end  "),
                "\(screen.row(size.rows - 1))")
        #expect(await view.session.stopAndWait())
    }

    @Test(arguments: sizes) func detailPanePrettyPrintsJSON(size: Size) async throws {
        let (app, view) = messagesApp()
        press(app, [.char("g"), .enter])
        #expect(view.detailOpen)
        let screen = app.render(size: size)
        let divider = try #require(screen.rowIndex(containing: "partition 0 · offset 1195 · 2023-11-14 22:13:16.000"))
        #expect(screen.row(divider).hasSuffix(" x: hex ─│"), "\(screen.row(divider))")
        let body = (divider + 1..<size.rows - 2).map { screen.row($0) }
        let expected = [
            "│ key      order-17",
            "│ headers  trace-id = abc123",
            "│          source = web",
            "│ value    87 B, JSON",
            "│ {",
            "│   \"id\": 17,",
            "│   \"items\": [",
            "│     {",
            "│       \"sku\": \"A-1\",",
        ]
        for (line, text) in zip(body, expected) { #expect(line.hasPrefix(text + " "), "\(line) ≠ \(text)") }
        if size == Fixtures.large {
            let all = body.joined(separator: "\n")
            #expect(all.contains("│   \"tags\": [],"))
            #expect(all.contains("│   \"note\": \"gift, wrapped\""))
            #expect(body.contains { $0.hasPrefix("│ } ") })
        } else {
            // 80×24 has room for the start; the rest is counted.
            #expect(body.last { $0.contains("more lines (J/K scroll)") } != nil, "\(body)")
        }
        #expect(await view.session.stopAndWait())
    }

    @Test(arguments: sizes) func detailPaneHexDump(size: Size) async throws {
        let (app, view) = messagesApp()
        press(app, [.char("g"), .down, .down, .enter])
        var screen = app.render(size: size)
        #expect(screen.line(containing: "value    18 B, hex") != nil, "binary values are dumped without asking")
        press(app, [.char("g"), .char("x")])
        screen = app.render(size: size)
        #expect(screen.line(containing: " x: decoded ") != nil)
        #expect(screen.line(containing: "value    87 B, hex") != nil)
        if size == Fixtures.large {
            #expect(screen.line(containing: "│ 00000000  7b 22 69 64 22 3a 31 37  2c 22 69 74 65 6d 73 22  |{\"id\":17,\"items\"|") != nil)
        } else {
            // Too narrow for 16 bytes a line: 8.
            #expect(screen.line(containing: "│ 00000000  7b 22 69 64 22 3a 31 37  |{\"id\":17|") != nil)
            #expect(screen.line(containing: "│ 00000008  2c 22 69 74 65 6d 73 22  |,\"items\"|") != nil)
        }
        press(app, [.escape])
        #expect(!view.detailOpen, "Esc closes the pane first")
        #expect(app.top === view)
        #expect(await view.session.stopAndWait())
    }

    @Test(arguments: sizes) func pausedAndSamplingAreShown(size: Size) async throws {
        let (app, view) = messagesApp()
        let ring = view.session.ring
        ring.recordTraffic(arrived: 0, skipped: 12, run: ring.currentRun, nowMs: Fixtures.nowMs)
        var screen = app.render(size: size)
        #expect(screen.row(2).hasSuffix(" 4/4 · 250/s · sampling 1 in 4 ┐"), "\(screen.row(2))")
        #expect(screen.row(3).contains("sampling 1 in 4: the topic is faster than the view, showing the newest")
                || size == Fixtures.small, "\(screen.row(3))")
        #expect(screen.row(3).contains("sampling 1 in 4"))
        press(app, [.char(" ")])
        ring.recordTraffic(arrived: 30, run: ring.currentRun, nowMs: Fixtures.nowMs)
        screen = app.render(size: size)
        #expect(screen.row(2).hasSuffix(" 4/4 · 256/s · paused ┐"), "\(screen.row(2))")
        #expect(screen.row(3).contains("paused: 30 new since (space resumes)"), "\(screen.row(3))")
        press(app, [.char(" ")])
        #expect(ring.mode == .following)
        #expect(await view.session.stopAndWait())
    }

    @Test func jumpPromptsExplainBadInputAndChangeNothing() async throws {
        let (app, view) = messagesApp()
        for (key, input, message) in [
            ("o", "abc", "Offset must be a number >= 0, not abc."),
            ("o", "7:5", "No partition 7 here: partitions are 0-2."),
            ("o", "x:5", "Partition must be a number, not x."),
            ("o", "", "Give an offset: OFFSET or PARTITION:OFFSET (like 1200 or 2:1200)."),
            ("T", "2024-13-01T00:00:00", "Not a time: 2024-13-01T00:00:00. Use YYYY-MM-DDTHH:MM:SS or epoch ms."),
            ("T", "yesterday", "Not a time: yesterday. Use YYYY-MM-DDTHH:MM:SS or epoch ms."),
        ] {
            press(app, [.char(Character(key))])
            #expect(app.overlay is PromptOverlay)
            type(app, input)
            #expect(app.overlay == nil)
            #expect(app.status?.message == .error(message), "\(input)")
            #expect(view.session.start == .defaultEnd)
            #expect(view.session.ring.count == 4, "the ring is untouched")
        }
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(23).hasPrefix(" Not a time: yesterday. Use YYYY-MM-DDTHH:MM:SS or epoch ms."))
        #expect(await view.session.stopAndWait())
    }

    @Test func jumpsRestartTheTail() async throws {
        let (app, view) = messagesApp()
        press(app, [.char("o")])
        type(app, "1:1100")
        #expect(view.session.start == .offset(1100, partition: 1))
        #expect(app.status?.message == StatusMessage("Reading orders from offset 1100 in partition 1"))
        press(app, [.char("T")])
        type(app, "2023-11-14T22:13:17Z")
        #expect(view.session.start == .timestamp(Fixtures.nowMs - 3000))
        press(app, [.char("T")])
        type(app, "1700000000000")
        #expect(view.session.start == .timestamp(Fixtures.nowMs))
        press(app, [.char("b")])
        #expect(view.session.start == .beginning)
        press(app, [.char("e")])
        #expect(view.session.start == .defaultEnd)
        #expect(await view.session.stopAndWait())
    }

    @Test func filterMatchesKeyValueAndHeaders() async throws {
        let (app, view) = messagesApp()
        let context = app.context()
        for (filter, ids) in [("order-18", ["0:1196"]), ("WEB", ["0:1195"]), ("second line", ["1:1100"]),
                              ("total", ["0:1195", "0:1196"]), ("abc123 gift", ["0:1195"]), ("nothing", [])] {
            press(app, [.char("/")])
            type(app, filter)
            #expect(view.visibleRows(context: context).map(\.id) == ids, "\(filter)")
            press(app, [.escape])
        }
        press(app, [.char("/")])
        type(app, "total")
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(2).hasSuffix(" /total 2/2 of 4 · 250/s · following ┐"), "\(screen.row(2))")
        #expect(await view.session.stopAndWait())
    }

    @Test func movingUpStopsFollowingTheNewest() async throws {
        let (app, view) = messagesApp()
        let context = app.context()
        _ = app.render(size: Fixtures.small)
        #expect(view.selectedRowID(context: context) == "0:1196")
        press(app, [.up])
        view.session.ring.append([ConsumedRecord(partition: 1, offset: 1101, timestamp: Fixtures.nowMs, key: nil, value: nil)],
                                 run: view.session.ring.currentRun, nowMs: Fixtures.nowMs)
        _ = app.render(size: Fixtures.small)
        #expect(view.selectedRowID(context: context) == "2:899", "the selection stays put")
        press(app, [.char("G")])
        _ = app.render(size: Fixtures.small)
        #expect(view.selectedRowID(context: context) == "1:1101")
        #expect(await view.session.stopAndWait())
    }

    @Test func tOpensTheTailAndEscStopsIt() async throws {
        let app = Fixtures.app([TopicsView()])
        app.handle(.char("t"))
        let view = try #require(app.top as? MessagesView)
        #expect(view.topic == "orders" && view.partition == nil)
        #expect(app.breadcrumb(maxWidth: 80) == "Topics › orders › messages")
        #expect(view.session.isRunning)
        app.handle(.escape)
        #expect(app.top is PartitionsView)
        #expect(!view.session.isRunning, "popping the view stops its tail")
        #expect(await view.session.stopAndWait(timeoutMs: 2_000) && view.session.activeRuns == 0, "and its Task ends")

        app.handle(.down)
        app.handle(.char("t"))
        let one = try #require(app.top as? MessagesView)
        #expect(one.partition == 1)
        #expect(app.breadcrumb(maxWidth: 80) == "Topics › orders › messages (partition 1)")
        app.apply([.replaceStack([BrokersView()])])
        #expect(!one.session.isRunning, "replacing the stack stops it too")
        #expect(await one.session.stopAndWait(timeoutMs: 2_000))
    }

    @Test func paletteTailCommand() throws {
        let app = Fixtures.app([TopicsView()])
        let context = app.context()
        let tail = try #require(PaletteCommands.standard.first { $0.name == "tail" })
        #expect(tail.usage == "tail TOPIC [PARTITION]")
        guard case .success(let effects) = tail.run(["orders"], context) else { Issue.record("tail orders failed"); return }
        app.apply(effects)
        let view = try #require(app.top as? MessagesView)
        #expect(app.breadcrumb(maxWidth: 80) == "Topics › orders › messages")
        guard case .success(let partitionEffects) = tail.run(["orders", "2"], context) else { Issue.record("tail orders 2"); return }
        app.apply(partitionEffects)
        #expect(!view.session.isRunning)
        #expect((app.top as? MessagesView)?.partition == 2)
        guard case .failure(let error) = tail.run(["orders", "9"], context) else { Issue.record("partition 9 accepted"); return }
        #expect(error.description == "orders has no partition 9")
        guard case .failure(let missing) = tail.run(["nope"], context) else { Issue.record("unknown topic accepted"); return }
        #expect(missing.description == "No topic nope")
        #expect(PaletteCommands.candidates(for: .partition, previous: ["orders"], context: context) == ["0", "1", "2"])
        app.apply([.replaceStack([TopicsView()])])
    }
}
