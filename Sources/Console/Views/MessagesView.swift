import Foundation

extension Action {
    /// Open the Messages view on the selected topic or partition (`t`).
    public static let tail = Action("messages.tail")
    public static let togglePause = Action("messages.pause")
    public static let jumpToOffset = Action("messages.jumpToOffset")
    public static let jumpToTime = Action("messages.jumpToTime")
    public static let fromBeginning = Action("messages.fromBeginning")
    public static let followEnd = Action("messages.followEnd")
    public static let toggleHex = Action("messages.hex")
    public static let detailDown = Action("messages.detailDown")
    public static let detailUp = Action("messages.detailUp")
}

/// Messages: a live tail of a topic (every partition, or one). Rows are partition, offset,
/// timestamp, key, value preview and headers, newest at the bottom; the selection sticks to
/// the newest while it is on the last row. Space pauses, `o`/`T` jump to an offset or a
/// time, `b`/`e` read from the beginning or follow the end again, `/` filters on key, value
/// and headers, Enter opens a pane with the selected record in full (`x` for hex).
///
/// The reading happens in a `TailSession` off the UI thread, started when the view joins
/// the stack and stopped when it leaves; each frame copies the session's ring (only when it
/// changed), so a fast topic costs the UI one bounded copy per frame, never a wait.
public final class MessagesView: TableView {
    public let topic: String
    public let partition: Int32?
    public let session: TailSession
    public private(set) var detailOpen = false
    public private(set) var showsHex = false
    private var detailScroll = 0
    /// Keep selecting the newest row (until the user moves up).
    private var sticksToBottom = true
    private var cached: (generation: Int, nowMs: Int64, contents: MessageRing.Contents)?
    /// Lowercased key, value and headers per record id, for `/` (built on first use).
    private var haystacks: [String: String] = [:]

    public init(topic: String, partition: Int32? = nil, session: TailSession? = nil) {
        self.topic = topic
        self.partition = partition
        self.session = session ?? TailSession(topic: topic, partition: partition)
        super.init()
    }

    /// Below the topic's partitions in the breadcrumb: `Topics › orders › messages`.
    public override var title: String { partition.map { "messages (partition \($0))" } ?? "messages" }

    public override var bindings: [KeyBinding] {
        [
            KeyBinding([.char(" ")], .togglePause, label: "pause", description: "Pause or resume the tail", command: "pause"),
            KeyBinding([.enter], .open, label: "detail", description: "Show or hide the selected message in full"),
            KeyBinding([.char("o")], .jumpToOffset, label: "offset",
                       description: "Read from an offset: OFFSET (every partition) or PARTITION:OFFSET", command: "offset"),
            KeyBinding([.char("T")], .jumpToTime, label: "time",
                       description: "Read from a time: YYYY-MM-DDTHH:MM:SS (local time, Z for UTC) or epoch ms", command: "time"),
            KeyBinding([.char("b")], .fromBeginning, label: "begin", description: "Read from the beginning of the log",
                       command: "beginning"),
            KeyBinding([.char("e")], .followEnd, label: "end", description: "Back to the end: follow the newest messages",
                       command: "end"),
            KeyBinding([.char("x")], .toggleHex, label: "hex", description: "Show the value as a hex dump (or decoded again)",
                       command: "hex", showInFooter: false),
            KeyBinding([.char("J")], .detailDown, label: "scroll", description: "Scroll the detail pane down", showInFooter: false),
            KeyBinding([.char("K")], .detailUp, label: "scroll", description: "Scroll the detail pane up", showInFooter: false),
        ]
    }

    // MARK: Lifecycle

    public override func didEnterStack(bridge: BackendBridge) { session.begin(backend: bridge.backend, clock: bridge.clock) }
    public override func didLeaveStack() { session.stop() }
    public override var wantsRedraw: Bool { cached?.generation != session.ring.generation }

    // MARK: Rows

    /// The ring's contents for this frame (copied again only when the ring or the time moved).
    func contents(context: ViewContext) -> MessageRing.Contents {
        let generation = session.ring.generation
        if let cached, cached.generation == generation, cached.nowMs == context.nowMs { return cached.contents }
        let contents = session.ring.contents(nowMs: context.nowMs)
        if haystacks.count > 2 * session.ring.capacity { haystacks = [:] }
        cached = (contents.generation, context.nowMs, contents)
        return contents
    }

    /// Columns for the width: below `wideWidth` the time of day only and no headers column
    /// (the detail pane has them), so the value keeps most of an 80-column terminal.
    override func columns(context: ViewContext) -> [TableColumn] {
        // Priorities also order who gets its natural width first: the value, which grows
        // into whatever is left, comes after the short columns.
        var columns = [
            TableColumn("P", .right, min: 3, priority: 95),
            TableColumn("OFFSET", .right, min: 6, priority: 100),
            TableColumn(isWide ? "TIMESTAMP" : "TIME", min: isWide ? 23 : 12, priority: 60),
            TableColumn("KEY", min: 3, max: 24, priority: 92),
            TableColumn("VALUE", min: 10, max: 1000, grows: true, priority: 90),
        ]
        if isWide { columns.append(TableColumn("HEADERS", min: 7, max: 30, priority: 91)) }
        return columns
    }

    /// Set from the area at each frame.
    private var isWide = true
    static let wideWidth = 110

    override func rows(context: ViewContext) -> [TableRow] {
        contents(context: context).records.map { row($0, timeZone: context.timeZone) }
    }

    /// The rows made for the ring's last generation, filter and width: a frame asks for them
    /// three times (selection, table, summary) and a paused or idle tail for many frames, and
    /// making 5,000 rows is most of a frame's cost (ConsoleBench).
    private var madeRows: (generation: Int, filter: String, wide: Bool, rows: [TableRow])?

    /// Every word of the filter must appear in the key, the value or a header (any case).
    public override func visibleRows(context: ViewContext) -> [TableRow] {
        let contents = contents(context: context)
        if let made = madeRows, made.generation == contents.generation, made.filter == filterText, made.wide == isWide {
            return made.rows
        }
        let records = contents.records
        let words = filterText.lowercased().split(separator: " ").map(String.init)
        let timeZone = context.timeZone
        let rows = words.isEmpty ? records.map { row($0, timeZone: timeZone) } : records.filter { record in
            let haystack = haystack(record)
            return words.allSatisfy { haystack.contains($0) }
        }.map { row($0, timeZone: timeZone) }
        madeRows = (contents.generation, filterText, isWide, rows)
        return rows
    }

    private func row(_ record: ConsumedRecord, timeZone: TimeZone) -> TableRow {
        let wide = isWide
        return TableRow(id: MessageRing.id(record), filterText: "") {
            let time = MessageFormatting.timestamp(record.timestamp, timeZone: timeZone)
            return [
                [TextSpan("\(record.partition)")],
                [TextSpan("\(record.offset)")],
                [TextSpan(wide ? time : String(time.suffix(12)), .dim)],
                [record.key.map { MessageFormatting.preview($0, maxCharacters: 60) } ?? TextSpan("null", .dim)],
                [MessageFormatting.preview(record.value)],
            ] + (wide ? [[TextSpan(MessageFormatting.headersPreview(record.headers), .dim)]] : [])
        }
    }

    private func haystack(_ record: ConsumedRecord) -> String {
        let id = MessageRing.id(record)
        if let known = haystacks[id] { return known }
        func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        let made = ([text(record.key), text(record.value)] + record.headers.map { "\($0.key)=\(text($0.value))" })
            .joined(separator: "\u{0}").lowercased()
        haystacks[id] = made
        return made
    }

    func selectedRecord(context: ViewContext) -> ConsumedRecord? {
        guard let id = list.selectedID else { return nil }
        return contents(context: context).records.last { MessageRing.id($0) == id }
    }

    // MARK: Summary and preamble

    public override func summary(context: ViewContext) -> String? {
        let contents = contents(context: context)
        let shown = visibleRows(context: context).count
        var position = shown == 0 ? "0" : "\(min(list.selectedIndex + 1, shown))/\(shown)"
        if !filterText.isEmpty { position = "/\(filterText) \(position) of \(contents.records.count)" }
        return "\(position) · \(Format.rate(contents.arrivalsPerSecond)) · \(Self.state(contents))"
    }

    /// `following`, `paused`, or `sampling 1 in N`.
    static func state(_ contents: MessageRing.Contents) -> String {
        switch contents.mode {
        case .paused, .pausedFull: return "paused"
        case .following: return contents.samplingOneIn.map { "sampling 1 in \($0)" } ?? "following"
        }
    }

    override func preambleHeight(area: Rect, context: ViewContext) -> Int { 1 }

    override func renderPreamble(into screen: inout Screen, area: Rect, context: ViewContext) {
        let contents = contents(context: context)
        var spans = [TextSpan(" " + session.start.describe(timeZone: context.timeZone), .title)]
        if let partition { spans.append(TextSpan(" · partition \(partition) only", .dim)) }
        switch contents.mode {
        case .paused:
            spans.append(TextSpan("  paused: \(Format.count(contents.newSincePause)) new since (space resumes)", .warning))
        case .pausedFull:
            spans.append(TextSpan("  paused: buffer full at \(Format.count(session.ring.capacity)) (space reads on, e follows the end)",
                                  .warning))
        case .following:
            if let n = contents.samplingOneIn {
                spans.append(TextSpan("  sampling 1 in \(n): the topic is faster than the view, showing the newest", .warning))
            }
        }
        if let error = contents.error { spans.append(TextSpan("  " + error, .error)) }
        screen.put(spans, row: area.row, column: area.column, theme: context.theme, maxWidth: area.width)
    }

    override func emptyMessage(context: ViewContext) -> String {
        if let error = contents(context: context).error { return "Cannot read \(topic): \(error)" }
        return session.isRunning ? "No messages yet: waiting for \(topic) (\(session.start.describe(timeZone: context.timeZone)))."
            : "Not reading."
    }

    // MARK: Drawing

    public override func render(into screen: inout Screen, area: Rect, context: ViewContext) {
        isWide = area.width >= Self.wideWidth
        let ids = visibleRows(context: context).map(\.id)
        if sticksToBottom, contents(context: context).mode == .following, !ids.isEmpty {
            list.select(index: ids.count - 1, ids: ids)
        }
        guard detailOpen, area.height >= 10 else {
            super.render(into: &screen, area: area, context: context)
            return
        }
        let tableHeight = max(5, area.height * 2 / 5)
        let (top, rest) = area.splitTop(tableHeight)
        super.render(into: &screen, area: top, context: context)
        guard let record = selectedRecord(context: context) else {
            screen.put("No message selected.", row: rest.row + 1, column: rest.column + 1, style: context.theme[.dim])
            return
        }
        let pane = MessageDetailPane(record: record, originalValueSize: contents(context: context).cutValueSizes[MessageRing.id(record)],
                                     showsHex: showsHex)
        let count = pane.render(into: &screen, area: rest, scroll: detailScroll, context: context)
        detailScroll = min(detailScroll, max(0, count - 1))
    }

    // MARK: Keys

    override func open(_ rowID: String, context: ViewContext) -> [Effect]? {
        detailOpen.toggle()
        detailScroll = 0
        return []
    }

    public override func perform(_ action: Action, context: ViewContext) -> [Effect]? {
        switch action {
        case .moveUp, .pageUp, .moveTop: sticksToBottom = false
        case .moveBottom: sticksToBottom = true
        default: break
        }
        let effects = super.perform(action, context: context)
        if action == .moveDown || action == .pageDown {
            sticksToBottom = list.selectedIndex >= visibleRows(context: context).count - 1
        }
        if [.moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom].contains(action) { detailScroll = 0 }
        return effects
    }

    override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
        switch action {
        case .back where detailOpen:
            detailOpen = false
            return []
        case .togglePause:
            session.togglePause()
            return []
        case .jumpToOffset:
            return [.present(PromptOverlay(prompt: "Offset (OFFSET or PARTITION:OFFSET): ") { [weak self] text in
                guard let self else { return .done([]) }
                return .done(self.jump(TailStart.parseOffset(text, partitions: self.partitions(context)), context: context))
            })]
        case .jumpToTime:
            return [.present(PromptOverlay(prompt: "Time (YYYY-MM-DDTHH:MM:SS or epoch ms): ") { [weak self] text in
                guard let self else { return .done([]) }
                return .done(self.jump(TailStart.parseTimestamp(text, timeZone: context.timeZone), context: context))
            })]
        case .fromBeginning:
            return jump(.success(.beginning), context: context)
        case .followEnd:
            sticksToBottom = true
            session.restart(from: .defaultEnd)
            return [.status(StatusMessage("Following the newest messages of \(topic)"))]
        case .toggleHex:
            showsHex.toggle()
            detailOpen = true
            return []
        case .detailDown:
            detailScroll += 1
            return []
        case .detailUp:
            detailScroll = max(0, detailScroll - 1)
            return []
        default:
            return nil
        }
    }

    /// Starts reading from `start`, or explains in the status line why not (and changes nothing).
    func jump(_ start: Result<TailStart, CommandError>, context: ViewContext) -> [Effect] {
        switch start {
        case .failure(let error):
            return [.status(.error(error.description))]
        case .success(let start):
            sticksToBottom = false
            list = ListState()
            detailScroll = 0
            session.restart(from: start)
            return [.status(StatusMessage("Reading \(topic) \(start.describe(timeZone: context.timeZone))"))]
        }
    }

    /// The partitions tailed (from the snapshot; any when the topic is not known yet).
    func partitions(_ context: ViewContext) -> [Int32] {
        if let partition { return [partition] }
        return context.topic(topic)?.partitions.map(\.partition).sorted() ?? []
    }
}
