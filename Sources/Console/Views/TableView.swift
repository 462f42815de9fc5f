/// The base of every list view: rows from the live snapshot, `/` filtering, selection that
/// follows its row, scrolling (arrows, hjkl, PgUp/PgDn, g/G) and column widths that adapt to
/// the terminal. A subclass supplies `columns`, `rows`, its binding table and what its own
/// actions do; `open` is what Enter does on the selected row.
public class TableView: FilterableView {
    public var filterText = ""
    public var list = ListState()
    /// Rows that fit in the last frame, for PgUp/PgDn.
    public private(set) var pageSize = 10
    /// The widest each column has been in this view (see `renderTable`).
    private var naturalWidths: [Int] = []

    public init() {}

    // MARK: What subclasses provide

    public var title: String { "" }
    public var bindings: [KeyBinding] { [] }
    public var dataNeeds: [DataNeed] { [] }
    func columns(context: ViewContext) -> [TableColumn] { [] }
    func rows(context: ViewContext) -> [TableRow] { [] }
    /// Shown when there are no rows (before any filter).
    func emptyMessage(context: ViewContext) -> String { "Nothing here yet." }
    /// Enter on a row.
    func open(_ rowID: String, context: ViewContext) -> [Effect]? { nil }
    /// The view's own actions, with the selected row's id when there is one.
    func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? { nil }
    /// Lifecycle hooks (`ConsoleView`), here so subclasses can override them.
    public func didEnterStack(bridge: BackendBridge) {}
    public func didLeaveStack() {}
    public var wantsRedraw: Bool { false }
    /// Rows reserved above the table (a summary line); `renderPreamble` draws them.
    func preambleHeight(area: Rect, context: ViewContext) -> Int { 0 }
    func renderPreamble(into screen: inout Screen, area: Rect, context: ViewContext) {}

    // MARK: Rows shown

    /// The rows after the filter: every word of the filter must appear (case-insensitive).
    public func visibleRows(context: ViewContext) -> [TableRow] {
        let all = rows(context: context)
        let words = filterText.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { return all }
        return all.filter { row in
            let haystack = row.filterText.lowercased()
            return words.allSatisfy { haystack.contains($0) }
        }
    }

    /// The id of the selected row, if any row is shown.
    public func selectedRowID(context: ViewContext) -> String? {
        let ids = visibleRows(context: context).map(\.id)
        var state = list
        state.reconcile(ids: ids)
        return state.selectedID
    }

    /// The summary of the last frame drawn, valid for that frame's time and filter (so the
    /// app's frame title does not build every row a second time).
    private var renderedSummary: (atMs: Int64, filter: String, shown: Int)?

    public func summary(context: ViewContext) -> String? {
        guard context.snapshot != nil else { return nil }
        if let rendered = renderedSummary, rendered.atMs == context.nowMs, rendered.filter == filterText {
            return summaryText(shown: rendered.shown, total: { self.rows(context: context).count })
        }
        return summaryText(shown: visibleRows(context: context).count, total: { self.rows(context: context).count })
    }

    private func summaryText(shown: Int, total: () -> Int) -> String {
        var text = shown == 0 ? "0" : "\(min(list.selectedIndex + 1, shown))/\(shown)"
        if !filterText.isEmpty { text = "/\(filterText) \(text) of \(total())" }
        return text
    }

    // MARK: Keys

    /// The moves, which go over the rows on screen (see `drawnIDs`).
    private static let moves: Set<Action> = [.moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom]

    /// The ids of the rows drawn in the last frame and the filter they were drawn with. A
    /// move goes over what is on screen, and building every row again for each key would
    /// cost a second frame's work with 10,000 rows (make bench); the next frame reconciles
    /// the selection with the rows of the moment, by id.
    private var drawnIDs: (filter: String, ids: [String])?

    public func perform(_ action: Action, context: ViewContext) -> [Effect]? {
        let onScreen = Self.moves.contains(action) ? drawnIDs.flatMap { $0.filter == filterText ? $0.ids : nil } : nil
        let ids = onScreen ?? visibleRows(context: context).map(\.id)
        list.reconcile(ids: ids)
        switch action {
        case .moveUp: list.select(index: list.selectedIndex - 1, ids: ids)
        case .moveDown: list.select(index: list.selectedIndex + 1, ids: ids)
        case .pageUp: list.select(index: list.selectedIndex - max(1, pageSize - 1), ids: ids)
        case .pageDown: list.select(index: list.selectedIndex + max(1, pageSize - 1), ids: ids)
        case .moveTop: list.select(index: 0, ids: ids)
        case .moveBottom: list.select(index: ids.count - 1, ids: ids)
        case .open:
            guard let id = list.selectedID else { return [] }
            return open(id, context: context)
        default:
            return perform(action, selected: list.selectedID, context: context)
        }
        return []
    }

    // MARK: Drawing

    public func render(into screen: inout Screen, area: Rect, context: ViewContext) {
        let preamble = min(preambleHeight(area: area, context: context), area.height)
        if preamble > 0 {
            renderPreamble(into: &screen, area: area.splitTop(preamble).top, context: context)
        }
        let tableArea = area.splitTop(preamble).rest
        guard context.snapshot != nil else {
            screen.put("Waiting for the first snapshot…", row: tableArea.row + 1, column: tableArea.column + 1,
                       style: context.theme[.dim], maxWidth: tableArea.width - 1)
            return
        }
        let rows = visibleRows(context: context)
        renderTable(into: &screen, area: tableArea, rows: rows, context: context)
        renderedSummary = (context.nowMs, filterText, rows.count)
    }

    /// Draws `rows` as a table in `area` (header line, then rows) with the selection bar.
    /// Only the rows on screen are formatted and measured; each column keeps the widest
    /// width it has needed in this view (`naturalWidths`), so columns do not jitter while
    /// scrolling or as values change.
    func renderTable(into screen: inout Screen, area: Rect, rows: [TableRow], context: ViewContext) {
        guard area.height >= 1, area.width >= 2 else { return }
        let theme = context.theme
        let columns = self.columns(context: context)
        // One column of margin on each side, for readability and the scroll marks.
        let inner = Rect(row: area.row, column: area.column + 1, height: area.height, width: area.width - 2)
        pageSize = max(1, inner.height - 1)
        let ids = rows.map(\.id)
        drawnIDs = (filterText, ids)
        list.reconcile(ids: ids)
        list.scrollIntoView(visibleRows: pageSize, count: rows.count)
        let shown = rows[min(list.top, rows.count)..<min(rows.count, list.top + pageSize)]
        let cells = shown.map(\.cells)
        let measured = TableLayout.naturalWidths(columns, cells: cells)
        if naturalWidths.count != measured.count { naturalWidths = measured }
        naturalWidths = zip(naturalWidths, measured).map { max($0, $1) }
        let widths = TableLayout.widths(columns, natural: naturalWidths, available: inner.width)
        var column = inner.column
        for (index, spec) in columns.enumerated() {
            guard let width = widths[index] else { continue }
            screen.put(spec.title, row: inner.row, column: column, style: theme[.columnHeader], width: width,
                       alignRight: spec.alignment == .right)
            column += width + TableLayout.gap
        }
        if rows.isEmpty {
            let message = filterText.isEmpty ? emptyMessage(context: context) : "No rows match /\(filterText) (Esc clears the filter)."
            screen.put(message, row: inner.row + 2, column: inner.column, style: theme[.dim], maxWidth: inner.width)
            return
        }
        for (offset, row) in shown.enumerated() {
            let y = inner.row + 1 + offset
            let isSelected = list.top + offset == list.selectedIndex
            drawRow(row, cells: cells[offset], y: y, columns: columns, widths: widths, inner: inner, selected: isSelected,
                    theme: theme, into: &screen)
        }
        if list.top > 0 {
            screen.put(String(context.glyphs.moreAbove), row: inner.row + 1, column: area.column, style: theme[.dim])
        }
        if list.top + pageSize < rows.count {
            screen.put(String(context.glyphs.moreBelow), row: inner.row + pageSize, column: area.column, style: theme[.dim])
        }
    }

    private func drawRow(_ row: TableRow, cells: [[TextSpan]], y: Int, columns: [TableColumn], widths: [Int?], inner: Rect,
                         selected: Bool, theme: Theme, into screen: inout Screen) {
        var column = inner.column
        let override: Style? = selected ? theme[.selected] : nil
        if selected { screen.fill(Rect(row: y, column: inner.column, height: 1, width: inner.width), style: theme[.selected]) }
        for (index, spec) in columns.enumerated() {
            guard let width = widths[index] else { continue }
            var spans = index < cells.count ? cells[index] : []
            if spec.keepsEnd { spans = Self.keepingEnd(spans, width: width) }
            let cellWidth = spans.width
            if cellWidth > width {
                // Too long: one plain run, cut with an ellipsis.
                let role = spans.first?.role ?? .normal
                let style = override ?? theme[role == .normal ? (row.tint ?? .normal) : role]
                screen.put(spans.plainText, row: y, column: column, style: style, width: width,
                           alignRight: spec.alignment == .right)
            } else {
                let start = spec.alignment == .right ? column + width - cellWidth : column
                // Selected rows keep bold/underline emphasis but take the selection colours.
                if selected {
                    for (i, span) in spans.enumerated() {
                        let offset = Array(spans[..<i]).width
                        let emphasis = theme[span.role].attributes.intersection([.bold, .underline])
                        screen.put(span.text, row: y, column: start + offset, style: theme[.selected].with(emphasis),
                                   maxWidth: width - offset)
                    }
                } else {
                    // A row's tint colours its plain cells; cells with a meaning keep theirs.
                    let tinted = row.tint.map { tint in spans.map { $0.role == .normal ? TextSpan($0.text, tint) : $0 } }
                    screen.put(tinted ?? spans, row: y, column: start, theme: theme, maxWidth: width)
                }
            }
            column += width + TableLayout.gap
        }
    }

    /// The last `width` columns of `spans` (dropping whole characters from the front).
    static func keepingEnd(_ spans: [TextSpan], width: Int) -> [TextSpan] {
        var excess = spans.width - width
        guard excess > 0 else { return spans }
        var result: [TextSpan] = []
        for span in spans {
            var text = Substring(span.text)
            while excess > 0, let first = text.first {
                excess -= TextWidth.of(first)
                text = text.dropFirst()
            }
            if !text.isEmpty { result.append(TextSpan(String(text), span.role)) }
        }
        return result
    }
}
