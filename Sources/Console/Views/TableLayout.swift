/// A table column: how wide it may be, how it aligns, and how much it matters when the
/// terminal is narrow (lower `priority` columns are dropped first, as htop drops meters).
public struct TableColumn: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var title: String
    public var alignment: Alignment
    public var minWidth: Int
    public var maxWidth: Int
    /// Takes what is left once every column has its natural width (names, sparklines).
    public var grows: Bool
    public var priority: Int
    /// Too-long cells keep their end instead of being cut with an ellipsis (sparklines: the
    /// newest samples are on the right).
    public var keepsEnd: Bool

    public init(_ title: String, _ alignment: Alignment = .left, min: Int? = nil, max: Int = 60, grows: Bool = false,
                priority: Int = 50, keepsEnd: Bool = false) {
        self.keepsEnd = keepsEnd
        self.title = title
        self.alignment = alignment
        self.minWidth = Swift.max(1, min ?? TextWidth.of(title))
        self.maxWidth = Swift.max(self.minWidth, max)
        self.grows = grows
        self.priority = priority
    }
}

/// One row of a table: a stable id (selection follows it across refreshes), its cells as
/// styled spans, the text `/` matches, and an optional tint for the whole row.
///
/// Cells can be made lazily (`init(id:filterText:tint:cells:)`): a table builds every
/// row's id and filter text each frame, but formats cells only for the rows on screen, so
/// a topic with 10,000 partitions costs 40 rows of formatting per frame, not 10,000.
public struct TableRow {
    public var id: String
    public var filterText: String
    public var tint: Theme.Role?
    private let makeCells: () -> [[TextSpan]]

    /// The row's cells (made now when lazy).
    public var cells: [[TextSpan]] { makeCells() }

    public init(id: String, cells: [[TextSpan]], filterText: String? = nil, tint: Theme.Role? = nil) {
        self.id = id
        self.filterText = filterText ?? cells.map(\.plainText).joined(separator: " ")
        self.tint = tint
        makeCells = { cells }
    }

    /// A row whose cells are made only if it is drawn.
    public init(id: String, filterText: String, tint: Theme.Role? = nil, cells: @escaping () -> [[TextSpan]]) {
        self.id = id
        self.filterText = filterText
        self.tint = tint
        makeCells = cells
    }

    /// A row of plain cells.
    public init(id: String, _ texts: [String], tint: Theme.Role? = nil) {
        self.init(id: id, cells: texts.map { [TextSpan($0)] }, tint: tint)
    }
}

/// Fits columns to a width: drop the least important columns until the minimums fit, give
/// each column up to its natural width (widest cell or title) by priority, then hand the
/// rest to the growing columns.
public enum TableLayout {
    /// One space between columns.
    public static let gap = 1

    /// The widest cell of each column among `cells` (rows of cells), at least its title.
    public static func naturalWidths(_ columns: [TableColumn], cells: [[[TextSpan]]]) -> [Int] {
        var natural = columns.map { TextWidth.of($0.title) }
        for row in cells {
            for (index, cell) in row.enumerated() where index < natural.count {
                natural[index] = max(natural[index], cell.width)
            }
        }
        return natural
    }

    /// Widths by column index; nil for a dropped column.
    public static func widths(_ columns: [TableColumn], rows: [TableRow], available: Int) -> [Int?] {
        widths(columns, natural: naturalWidths(columns, cells: rows.map(\.cells)), available: available)
    }

    /// Widths by column index from natural widths already measured; nil for a dropped column.
    public static func widths(_ columns: [TableColumn], natural measured: [Int], available: Int) -> [Int?] {
        guard !columns.isEmpty, available > 0 else { return columns.map { _ in nil } }
        var natural = columns.indices.map { $0 < measured.count ? measured[$0] : TextWidth.of(columns[$0].title) }
        for index in columns.indices {
            natural[index] = min(max(natural[index], columns[index].minWidth), columns[index].maxWidth)
        }
        var visible = Set(columns.indices)
        func required() -> Int { visible.reduce(0) { $0 + columns[$1].minWidth } + gap * max(0, visible.count - 1) }
        while required() > available, visible.count > 1 {
            // Drop the lowest priority; among equals the rightmost.
            let victim = visible.min { a, b in
                columns[a].priority != columns[b].priority ? columns[a].priority < columns[b].priority : a > b
            }!
            visible.remove(victim)
        }
        var widths = columns.indices.map { visible.contains($0) ? columns[$0].minWidth : 0 }
        var left = available - required()
        if visible.count == 1, let only = visible.first {
            widths[only] = min(available, max(widths[only], natural[only]))
            if columns[only].grows { widths[only] = available }
            return columns.indices.map { $0 == only ? widths[$0] : nil }
        }
        let byPriority = visible.sorted { a, b in
            columns[a].priority != columns[b].priority ? columns[a].priority > columns[b].priority : a < b
        }
        for index in byPriority where left > 0 {
            let extra = min(left, natural[index] - widths[index])
            if extra > 0 {
                widths[index] += extra
                left -= extra
            }
        }
        let growing = visible.sorted().filter { columns[$0].grows }
        if left > 0, !growing.isEmpty {
            // Growing columns stretch up to their maximum, sharing evenly.
            var remaining = growing
            while left > 0, !remaining.isEmpty {
                let share = max(1, left / remaining.count)
                for index in remaining where left > 0 {
                    let extra = min(share, left, columns[index].maxWidth - widths[index])
                    widths[index] += extra
                    left -= extra
                }
                remaining = remaining.filter { widths[$0] < columns[$0].maxWidth }
            }
        }
        return columns.indices.map { visible.contains($0) ? widths[$0] : nil }
    }
}

/// A list's selection and scroll position. Selection follows the selected row's id when
/// rows come and go between snapshots, and falls back to the same index.
public struct ListState: Sendable, Equatable {
    public var selectedIndex = 0
    public var selectedID: String?
    /// The first row shown.
    public var top = 0

    public init() {}

    /// Re-finds the selected row among `ids` (the rows now shown).
    public mutating func reconcile(ids: [String]) {
        if let selectedID, let index = ids.firstIndex(of: selectedID) {
            selectedIndex = index
        } else {
            selectedIndex = ids.isEmpty ? 0 : min(max(0, selectedIndex), ids.count - 1)
            selectedID = ids.isEmpty ? nil : ids[selectedIndex]
        }
    }

    public mutating func select(index: Int, ids: [String]) {
        guard !ids.isEmpty else {
            selectedIndex = 0
            selectedID = nil
            return
        }
        selectedIndex = min(max(0, index), ids.count - 1)
        selectedID = ids[selectedIndex]
    }

    public mutating func select(id: String, ids: [String]) {
        if let index = ids.firstIndex(of: id) { select(index: index, ids: ids) }
    }

    /// Keeps the selection within the `visibleRows` shown from `top`.
    public mutating func scrollIntoView(visibleRows: Int, count: Int) {
        let rows = max(1, visibleRows)
        if selectedIndex < top { top = selectedIndex }
        if selectedIndex >= top + rows { top = selectedIndex - rows + 1 }
        top = max(0, min(top, max(0, count - rows)))
    }
}
