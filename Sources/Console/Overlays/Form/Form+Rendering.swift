import Foundation

/// Drawing a form: one row per field (`› Label   value█   hint`), the field's error
/// wrapped under it in the error colour. The cursor is a reverse-video cell, because the
/// terminal's own cursor stays hidden (the console draws everything into `Screen`).
extension Form {
    /// Columns for the labels: the longest plus a marker and a gap.
    var labelWidth: Int { (fields.map { TextWidth.of($0.label) }.max() ?? 0) + 4 }

    /// Rows the form takes at `width` (each field, plus its wrapped error).
    public func height(width: Int) -> Int {
        fields.reduce(0) { $0 + 1 + errorLines($1, width: width).count }
    }

    private func errorLines(_ field: FormField, width: Int) -> [String] {
        guard let error = field.error else { return [] }
        return TextWidth.wrap(error, width: max(8, width - labelWidth - 1))
    }

    /// Draws from the top of `area`; returns the rows used.
    @discardableResult
    public func render(into screen: inout Screen, area: Rect, theme: Theme, glyphs: Glyphs) -> Int {
        var row = area.row
        let valueColumn = area.column + labelWidth
        let valueWidth = max(4, area.width - labelWidth - 1)
        for (index, field) in fields.enumerated() where row < area.bottom {
            let isFocused = index == focused
            let marker = isFocused ? glyphs.breadcrumb.trimmingCharacters(in: .whitespaces) : " "
            screen.put(marker, row: row, column: area.column + 1, style: theme[.key], maxWidth: 1)
            screen.put(field.label, row: row, column: area.column + 3, style: isFocused ? theme[.title] : theme[.normal],
                       maxWidth: labelWidth - 4)
            renderValue(field, focused: isFocused, into: &screen, row: row, column: valueColumn, width: valueWidth,
                        theme: theme, glyphs: glyphs)
            row += 1
            for line in errorLines(field, width: area.width) where row < area.bottom {
                screen.put(line, row: row, column: valueColumn, style: theme[.error], maxWidth: valueWidth)
                row += 1
            }
        }
        return row - area.row
    }

    private func renderValue(_ field: FormField, focused: Bool, into screen: inout Screen, row: Int, column: Int,
                             width: Int, theme: Theme, glyphs: Glyphs) {
        var used = 0
        switch field.kind {
        case .choice:
            let arrows = focused ? (glyphs.left + " ", " " + glyphs.right) : ("  ", "  ")
            used += screen.put(arrows.0, row: row, column: column, style: theme[.key], maxWidth: width)
            used += screen.put(field.value, row: row, column: column + used,
                               style: focused ? theme[.input].with(.bold) : theme[.input], maxWidth: width - used)
            used += screen.put(arrows.1, row: row, column: column + used, style: theme[.key], maxWidth: width - used)
        case .text:
            guard focused else {
                // Unfocused: the end, as typed last, in the room there is.
                var visible = field.value
                while TextWidth.of(visible) > width, !visible.isEmpty { visible.removeFirst() }
                used += screen.put(visible, row: row, column: column, style: theme[.input], maxWidth: width)
                break
            }
            // Focused: the cursor is a reverse-video cell on the character after it (a space at
            // the end); the text before it is cut from the left so the cursor stays visible.
            let characters = Array(field.value)
            let cursor = characters.count - min(max(0, field.cursorFromEnd), characters.count)
            var before = String(characters[..<cursor])
            let under = cursor < characters.count ? String(characters[cursor]) : " "
            let after = cursor + 1 < characters.count ? String(characters[(cursor + 1)...]) : ""
            while TextWidth.of(before) + TextWidth.of(under) > width, !before.isEmpty { before.removeFirst() }
            used += screen.put(before, row: row, column: column, style: theme[.input], maxWidth: width)
            used += screen.put(under, row: row, column: column + used, style: Style(attributes: .reverse), maxWidth: width - used)
            if used < width {
                used += screen.put(after, row: row, column: column + used, style: theme[.input], maxWidth: width - used)
            }
        }
        // A hint says what blank means or what to type, so it goes once something is typed;
        // beside the cursor, or in the value's place without one.
        let gap = used == 0 ? 0 : 2
        let isBlank = field.kind == .text && field.value.isEmpty
        if isBlank, !field.hint.isEmpty, used + gap + 1 < width {
            screen.put(field.hint, row: row, column: column + used + gap, style: theme[.dim], maxWidth: width - used - gap)
        }
    }
}
