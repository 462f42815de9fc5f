/// Lines, boxes and styled spans on a `Screen`, with the screen's glyphs (box drawing or ASCII).
extension Screen {
    public mutating func horizontalLine(row: Int, column: Int, width: Int, style: Style = .plain) {
        fill(Rect(row: row, column: column, height: 1, width: width), with: glyphs.horizontal, style: style)
    }

    public mutating func verticalLine(row: Int, column: Int, height: Int, style: Style = .plain) {
        fill(Rect(row: row, column: column, height: height, width: 1), with: glyphs.vertical, style: style)
    }

    /// A border around `rect` with an optional `title` in the top edge (`┌ Topics ───┐`) and
    /// a `rightTitle` at the right of the top edge; the interior is cleared when `clear`.
    public mutating func box(_ rect: Rect, style: Style = .plain, title: String? = nil, titleStyle: Style? = nil,
                             rightTitle: String? = nil, rightTitleStyle: Style? = nil, clear: Bool = true) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        if clear { fill(rect.inset(by: 1)) }
        let top = rect.row, bottom = rect.bottom - 1, left = rect.column, right = rect.right - 1
        horizontalLine(row: top, column: left + 1, width: rect.width - 2, style: style)
        horizontalLine(row: bottom, column: left + 1, width: rect.width - 2, style: style)
        verticalLine(row: top + 1, column: left, height: rect.height - 2, style: style)
        verticalLine(row: top + 1, column: right, height: rect.height - 2, style: style)
        put(String(glyphs.topLeft), row: top, column: left, style: style)
        put(String(glyphs.topRight), row: top, column: right, style: style)
        put(String(glyphs.bottomLeft), row: bottom, column: left, style: style)
        put(String(glyphs.bottomRight), row: bottom, column: right, style: style)
        var leftUsed = 0
        if let title, !title.isEmpty, rect.width > 4 {
            leftUsed = put(" \(title) ", row: top, column: left + 1, style: titleStyle ?? style, width: min(rect.width - 2, TextWidth.of(title) + 2))
        }
        if let rightTitle, !rightTitle.isEmpty {
            let wanted = TextWidth.of(rightTitle) + 2
            let room = rect.width - 4 - leftUsed
            if room >= 5 {
                let width = min(wanted, room)
                put(" \(rightTitle) ", row: top, column: right - width, style: rightTitleStyle ?? style, width: width)
            }
        }
    }

    /// A horizontal rule across a box at `row`, joined to its sides (`├────┤`).
    public mutating func divider(_ rect: Rect, row: Int, style: Style = .plain) {
        horizontalLine(row: row, column: rect.column + 1, width: rect.width - 2, style: style)
        put(String(glyphs.teeLeft), row: row, column: rect.column, style: style)
        put(String(glyphs.teeRight), row: row, column: rect.right - 1, style: style)
    }

    /// Writes styled spans left to right within `maxWidth` and returns the columns used.
    @discardableResult
    public mutating func put(_ spans: [TextSpan], row: Int, column: Int, theme: Theme, maxWidth: Int,
                             override: Style? = nil) -> Int {
        var used = 0
        for span in spans where used < maxWidth {
            let style = override ?? theme[span.role]
            used += put(span.text, row: row, column: column + used, style: style, maxWidth: maxWidth - used)
        }
        return used
    }
}

/// A piece of text with a meaning (`Theme.Role`): table cells, header items and footer hints
/// are lists of spans, styled at drawing time by the theme in use.
public struct TextSpan: Hashable, Sendable {
    public var text: String
    public var role: Theme.Role

    public init(_ text: String, _ role: Theme.Role = .normal) {
        self.text = text
        self.role = role
    }
}

extension Array where Element == TextSpan {
    /// Columns taken by the spans (sanitized text has the same width as the raw text's
    /// printable characters, and one column per control character).
    public var width: Int { reduce(0) { $0 + TextWidth.of(TextWidth.sanitized($1.text, charset: .unicode)) } }
    public var plainText: String { map(\.text).joined() }
}
