@testable import BrokerEngine
@testable import Console
import LogStore
import Testing

/// Every view rendered from the fixture snapshot at 80×24 and 120×40, checked line by line
/// (specific rows and columns, not whole-screen blobs).
@Suite struct ViewRenderingTests {
    static let sizes = [Fixtures.small, Fixtures.large]

    func render(_ stack: [any ConsoleView], _ size: Size, options: ConsoleOptions = Fixtures.options) -> Screen {
        Fixtures.app(stack, options: options).render(size: size)
    }

    @Test(arguments: sizes) func headerShowsHealthAndTraffic(size: Size) throws {
        let screen = render([TopicsView()], size)
        let health = screen.row(0)
        for item in ["Wharf", "brokers 2/3", "topics 3", "partitions 7", "under-replicated 3", "offline 1"] {
            #expect(health.contains(item), "\(item) missing from \(health)")
        }
        let traffic = screen.row(1)
        #expect(traffic.contains("in 255 rec/s 24.9 KiB/s"))
        #expect(traffic.contains("out 240 rec/s 23.4 KiB/s"))
        #expect(traffic.hasSuffix("127.0.0.1:9092-9094"))
        // Degraded values stand out: brokers down, under-replicated, offline.
        let urp = try #require(screen.column(of: "under-replicated 3", inRow: 0)) + "under-replicated ".count
        #expect(screen.cell(0, urp).style == Theme.colored[.warning])
        let offline = try #require(screen.column(of: "offline 1", inRow: 0)) + "offline ".count
        #expect(screen.cell(0, offline).style == Theme.colored[.danger])
    }

    @Test(arguments: sizes) func frameAndFooterSurroundTheView(size: Size) {
        let screen = render([TopicsView(), PartitionsView(topic: "orders")], size)
        #expect(screen.row(2).hasPrefix("┌ Topics › orders ─"))
        #expect(screen.row(2).hasSuffix(" 1/3 ┐"))
        #expect(screen.row(size.rows - 2).hasPrefix("└──"))
        // At 80 columns the footer gives way: the global `q quit` goes before the view's keys.
        let footer = size.columns >= 100 ? " ⏎ segments  c configs  t tail  p produce  Esc back  / filter  : cmd  q quit  ? help"
            : " ⏎ segments  c configs  t tail  p produce  Esc back  / filter  : cmd  ? help"
        #expect(screen.row(size.rows - 1) == footer)
        for row in 3..<(size.rows - 2) {
            #expect(screen.row(row).hasPrefix("│") && screen.row(row).hasSuffix("│"), "row \(row): \(screen.row(row))")
        }
    }

    @Test(arguments: sizes) func brokers(size: Size) throws {
        let screen = render([BrokersView()], size)
        let header = try #require(screen.line(containing: "STATE"))
        for title in ["ID", "LEADERS", "REPLICAS", "SIZE", "IN/s", "IN B/s", "OUT/s", "OUT B/s"] {
            #expect(header.contains(title))
        }
        #expect(screen.row(4).hasPrefix("│   1 up            5        8   2.4 MiB    150 14.6 KiB/s    100  9.8 KiB/s"))
        let stopped = try #require(screen.rowIndex(containing: "stopped"))
        #expect(screen.row(stopped).contains("3 stopped       0        4         -"))
        let state = try #require(screen.column(of: "stopped", inRow: stopped))
        #expect(screen.cell(stopped, state).style == Theme.colored[.danger])
        // Counts are right-aligned under their titles.
        let leadersEnd = try #require(screen.column(of: "LEADERS", inRow: 3)) + "LEADERS".count - 1
        #expect(screen.cell(4, leadersEnd).character == "5")
    }

    @Test(arguments: sizes) func topics(size: Size) throws {
        let screen = render([TopicsView()], size)
        let names = screen.text().compactMap { line in ["orders", "payments", "__consumer_offsets"].first { line.contains("│ \($0) ") } }
        #expect(names == ["orders", "payments", "__consumer_offsets"], "internal topics come last")
        let orders = try #require(screen.line(containing: "│ orders "))
        for value in [" 3  3 ", "3.1k", "313 KiB", "250", "▁▃▄▆▇█", "240   3 │"] {
            #expect(orders.contains(value), "\(value) missing from \(orders)")
        }
        let urpColumn = try #require(screen.column(of: "URP", inRow: 3)) + 2
        let ordersRow = try #require(screen.rowIndex(containing: "│ orders "))
        #expect(screen.cell(ordersRow, urpColumn).character == "3")
        #expect(screen.cell(ordersRow, urpColumn).style.isBold, "selected rows keep the warning's emphasis")
        let payments = try #require(screen.rowIndex(containing: "│ payments "))
        #expect(screen.cell(payments, 2).style == Theme.colored[.danger], "a topic with an offline partition is red")
        let internalRow = try #require(screen.rowIndex(containing: "__consumer_offsets"))
        #expect(screen.cell(internalRow, 2).style == Theme.colored[.dim])
    }

    @Test func topicColumnsGiveWayOnNarrowTerminals() throws {
        let screen = render([TopicsView()], Size(rows: 20, columns: 60))
        let header = try #require(screen.line(containing: "NAME"))
        #expect(header.contains("RECORDS") && header.contains("URP"))
        #expect(!header.contains("OUT/s"))
        #expect(screen.row(3).count <= 60)
    }

    @Test(arguments: sizes) func partitions(size: Size) throws {
        let screen = render([TopicsView(), PartitionsView(topic: "orders")], size)
        let header = try #require(screen.line(containing: "LEADER"))
        for title in ["P", "REPLICAS", "ISR", "LOG START", "HW", "LEO", "SIZE", "SEGS"] { #expect(header.contains(title)) }
        let row = try #require(screen.rowIndex(containing: "2,3,1"))
        let line = screen.row(row)
        #expect(line.contains("  1      2     0 2,3,1    2,1 !3         100    1100    1105   107 KiB    1"))
        let marked = try #require(screen.column(of: "!3", inRow: row))
        #expect(screen.cell(row, marked).style == Theme.colored[.danger], "out-of-sync replicas are marked in red")
    }

    @Test func columnsWidenForWhatIsShownAndStayWide() throws {
        var snapshot = Fixtures.snapshot()
        let template = snapshot.topics[0].partitions[0]
        snapshot.topics[0].partitions = (0..<60).map { index in
            var partition = template
            partition.partition = Int32(index)
            if index == 59 { partition.replicas = [1, 2, 3, 4, 5, 6] }
            return partition
        }
        let app = Fixtures.app([TopicsView(), PartitionsView(topic: "orders")])
        app.apply(.snapshot(snapshot))
        let before = try #require(app.render(size: Fixtures.large).column(of: "ISR", inRow: 3))
        app.handle(.char("G"))
        let screen = app.render(size: Fixtures.large)
        #expect(screen.line(containing: "1,2,3,4,5,6") != nil)
        let widened = try #require(screen.column(of: "ISR", inRow: 3))
        #expect(widened == before + 3)
        app.handle(.char("g"))
        #expect(app.render(size: Fixtures.large).column(of: "ISR", inRow: 3) == widened, "no jitter when scrolling back")
    }

    @Test func offlinePartitionsShowNoLeader() throws {
        let screen = render([TopicsView(), PartitionsView(topic: "payments")], Fixtures.small)
        let line = try #require(screen.line(containing: "none"))
        #expect(line.contains("  0   none     0 3        3"))
    }

    @Test(arguments: sizes) func segments(size: Size) throws {
        let stack: [any ConsoleView] = [TopicsView(), PartitionsView(topic: "orders"), SegmentsView(partition: TopicPartition("orders", 0))]
        let screen = render(stack, size)
        #expect(screen.row(2).hasPrefix("┌ Topics › orders › partition 0 "))
        #expect(screen.row(3).contains("orders-0  from the leader, broker 1"))
        let active = try #require(screen.line(containing: "●      700") ?? screen.line(containing: "●        700"))
        #expect(active.contains("48.8 KiB       ? 2023-11-14 21:43:20 2023-11-14 22:13:20    12"))
        let first = try #require(screen.line(containing: " 68.4 KiB"))
        #expect(first.contains("700 2023-11-14 21:13:20 2023-11-14 21:43:20    17"))
        #expect(!first.contains("●"))
        let hasFiles = screen.line(containing: "00000000000000000700.log") != nil
        #expect(hasFiles == (size.columns >= 120), "file names only where they fit")
    }

    @Test func segmentsSayWhileTheyLoad() {
        let app = Fixtures.app([TopicsView(), SegmentsView(partition: TopicPartition("orders", 2))])
        #expect(app.render(size: Fixtures.small).line(containing: "Loading segments…") != nil)
    }

    @Test(arguments: sizes) func topicConfigs(size: Size) throws {
        let screen = render([TopicsView(), TopicConfigsView(topic: "orders")], size)
        #expect(screen.row(2).hasPrefix("┌ Topics › orders configs "))
        let override = try #require(screen.rowIndex(containing: "retention.ms"))
        let defaulted = try #require(screen.rowIndex(containing: "cleanup.policy"))
        #expect(override < defaulted, "overrides first")
        #expect(screen.row(override).contains("3600000") && screen.row(override).contains("topic override"))
        #expect(screen.row(defaulted).contains("delete") && screen.row(defaulted).contains("default"))
    }

    @Test(arguments: sizes) func groups(size: Size) throws {
        let screen = render([GroupsView()], size)
        let billing = try #require(screen.line(containing: "billing"))
        for value in ["Stable", " 2 ", "range", "150", "▁▃▅█"] { #expect(billing.contains(value), "\(value) in \(billing)") }
        let audit = try #require(screen.line(containing: "audit"))
        #expect(audit.contains("Empty") && audit.contains(" 0 -"))
    }

    @Test(arguments: sizes) func groupDetail(size: Size) throws {
        let screen = render([GroupsView(), GroupDetailView(groupId: "billing")], size)
        #expect(screen.row(3).contains("Stable  protocol consumer/range  generation 4  lag 150"))
        #expect(screen.row(4).contains("MEMBERS"))
        #expect(screen.row(5).hasPrefix("│ ● billing-1 /10.0.0.1  orders[0-1]"))
        #expect(screen.row(6).hasPrefix("│   billing-2 /10.0.0.2  orders[2]"))
        let header = try #require(screen.rowIndex(containing: "COMMITTED"))
        #expect(screen.row(header).contains("TOPIC") && screen.row(header).contains("LAG") && screen.row(header).contains("MEMBER"))
        let lagging = try #require(screen.line(containing: "1000"))
        #expect(lagging.contains("1      1000    1100     100 billing-1"))
    }

    @Test func beforeTheFirstSnapshotTheViewWaits() {
        let app = ConsoleApp(backend: FakeBackend(), options: Fixtures.options)
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(0).contains("waiting for the cluster"))
        #expect(screen.line(containing: "Waiting for the first snapshot") != nil)
    }

    @Test func aTerminalTooSmallSaysSo() {
        let screen = Fixtures.app().render(size: Size(rows: 8, columns: 30))
        #expect(screen.text().prefix(2) == ["Terminal too small: 30x8,", "needs 40x10. q quits."])
    }

    @Test func longListsScrollWithMarks() throws {
        var snapshot = Fixtures.snapshot()
        let template = snapshot.topics[0]
        snapshot.topics = (0..<60).map { index in
            var topic = template
            topic.name = String(format: "topic-%02d", index)
            return topic
        }
        let app = Fixtures.app([TopicsView()])
        app.apply(.snapshot(snapshot))
        for _ in 0..<30 { app.handle(.down) }
        let screen = app.render(size: Fixtures.small)
        #expect(screen.row(2).hasSuffix(" 31/60 ┐"))
        let selected = try #require(screen.rowIndex(containing: "topic-30"))
        #expect(screen.cell(selected, 2).style == Theme.colored[.selected])
        #expect(screen.cell(4, 1).character == "▲")
        #expect(screen.cell(Fixtures.small.rows - 3, 1).character == "▼")
        app.handle(.char("G"))
        #expect(app.render(size: Fixtures.small).line(containing: "topic-59") != nil)
    }
}
