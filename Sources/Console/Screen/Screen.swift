/// A position on the screen: row (0 = top) and column (0 = left).
public struct Point: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// The terminal's size in rows and columns.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }
    public var description: String { "\(columns)x\(rows)" }
}

/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public var height: Int
    public var width: Int

    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row
        self.column = column
        self.height = max(0, height)
        self.width = max(0, width)
    }

    public var bottom: Int { row + height }
    public var right: Int { column + width }
    public var isEmpty: Bool { height <= 0 || width <= 0 }

    /// Shrunk by `amount` on every side (a box's interior).
    public func inset(by amount: Int) -> Rect {
        Rect(row: row + amount, column: column + amount, height: height - 2 * amount, width: width - 2 * amount)
    }

    /// A `height` × `width` rectangle centred in this one (clipped to it).
    public func centered(height: Int, width: Int) -> Rect {
        let h = min(height, self.height), w = min(width, self.width)
        return Rect(row: row + (self.height - h) / 2, column: column + (self.width - w) / 2, height: h, width: w)
    }

    /// The top `count` rows, and what is left below them.
    public func splitTop(_ count: Int) -> (top: Rect, rest: Rect) {
        let n = min(max(0, count), height)
        return (Rect(row: row, column: column, height: n, width: width),
                Rect(row: row + n, column: column, height: height - n, width: width))
    }
}

/// A frame of the console: a grid of styled cells that views draw into and `Terminal`
/// flushes (diffed against the previous frame). Drawing is clipped to the grid and never
/// fails, so a view can be careless at small sizes; `text()` gives the rows back as strings
/// for tests.
///
/// A character two columns wide occupies its cell and a *continuation* cell to its right;
/// overwriting either half blanks the other, as a terminal would.
public struct Screen: Sendable, Equatable {
    public struct Cell: Hashable, Sendable {
        public var character: Character
        public var style: Style
        /// The right half of a wide character drawn in the cell to the left.
        public var isContinuation: Bool

        public init(character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
            self.character = character
            self.style = style
            self.isContinuation = isContinuation
        }

        public static let blank = Cell()
    }

    public let size: Size
    public let glyphs: Glyphs
    private var cells: [Cell]

    public init(size: Size, glyphs: Glyphs = .unicode) {
        self.size = Size(rows: max(0, size.rows), columns: max(0, size.columns))
        self.glyphs = glyphs
        cells = Array(repeating: .blank, count: self.size.rows * self.size.columns)
    }

    public var charset: Charset { glyphs.charset }
    public var bounds: Rect { Rect(row: 0, column: 0, height: size.rows, width: size.columns) }

    public func cell(_ row: Int, _ column: Int) -> Cell {
        guard contains(row, column) else { return .blank }
        return cells[row * size.columns + column]
    }

    public func contains(_ row: Int, _ column: Int) -> Bool {
        row >= 0 && row < size.rows && column >= 0 && column < size.columns
    }

    /// Puts one already-sanitized character of `width` (1 or 2) at (row, column).
    private mutating func set(_ row: Int, _ column: Int, _ character: Character, width: Int, style: Style) {
        guard contains(row, column) else { return }
        let index = row * size.columns + column
        // Overwriting half of a wide character blanks its other half.
        if cells[index].isContinuation, column > 0 { cells[index - 1] = Cell(character: " ", style: cells[index - 1].style) }
        if column + 1 < size.columns, cells[index + 1].isContinuation {
            cells[index + 1] = Cell(character: " ", style: cells[index + 1].style)
        }
        cells[index] = Cell(character: character, style: style)
        if width == 2, column + 1 < size.columns {
            if column + 2 < size.columns, cells[index + 2].isContinuation {
                cells[index + 2] = Cell(character: " ", style: cells[index + 2].style)
            }
            cells[index + 1] = Cell(character: " ", style: style, isContinuation: true)
        }
    }

    /// Writes `text` from (row, column), clipped to `maxWidth` columns (and the screen), and
    /// returns the columns used. Control characters become visible stand-ins (see
    /// `TextWidth.sanitized`); a wide character that does not fit leaves a blank.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < size.rows else { return 0 }
        let limit = min(size.columns, column + (maxWidth ?? size.columns))
        var col = column
        for raw in text {
            let character = TextWidth.sanitized(raw, charset: charset)
            let width = TextWidth.of(character)
            if width == 0 { continue }
            if col + width > limit {
                if col < limit, col >= 0 { set(row, col, " ", width: 1, style: style); col += 1 }
                break
            }
            if col >= 0 { set(row, col, character, width: width, style: style) }
            col += width
        }
        return max(0, col - column)
    }

    /// Writes `text` truncated with an ellipsis (or padded) to exactly `width` columns.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = .plain, width: Int,
                             alignRight: Bool = false) -> Int {
        guard width > 0 else { return 0 }
        let safe = TextWidth.sanitized(text, charset: charset)
        let fitted = TextWidth.padded(safe, to: width, alignRight: alignRight, ellipsis: glyphs.ellipsis)
        return put(fitted, row: row, column: column, style: style, maxWidth: width)
    }

    /// Fills `rect` with `character` in `style`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let safe = TextWidth.sanitized(character, charset: charset)
        let width = max(1, TextWidth.of(safe))
        for row in rect.row..<max(rect.row, rect.bottom) {
            var column = rect.column
            while column + width <= rect.right {
                set(row, column, safe, width: width, style: style)
                column += width
            }
        }
    }

    /// Changes the style of the cells in `rect`, keeping their characters (a selection bar).
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        for row in max(0, rect.row)..<min(size.rows, rect.bottom) {
            for column in max(0, rect.column)..<min(size.columns, rect.right) {
                cells[row * size.columns + column].style = transform(cells[row * size.columns + column].style)
            }
        }
    }

    /// The rows as text, trailing spaces removed (continuation cells contribute nothing, so
    /// a wide character reads as itself).
    public func text() -> [String] {
        (0..<size.rows).map { row($0) }
    }

    /// One row as text, trailing spaces removed.
    public func row(_ index: Int) -> String {
        guard index >= 0, index < size.rows else { return "" }
        var line = ""
        for column in 0..<size.columns {
            let cell = cells[index * size.columns + column]
            if !cell.isContinuation { line.append(cell.character) }
        }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The whole screen as one string, rows joined by newlines (for failure messages).
    public var textDump: String { text().joined(separator: "\n") }
}
