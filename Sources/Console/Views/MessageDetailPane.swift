import Foundation

/// The Messages view's lower pane: one record in full. Key, headers, then the value as
/// pretty JSON when it parses, else UTF-8 text, else (or with `x`) a hex dump. Lines that
/// do not fit are counted at the bottom; `J`/`K` scroll.
struct MessageDetailPane {
    enum Format: Equatable { case json, text, hex }

    let record: ConsumedRecord
    /// The value's size before the ring cut it, when it did.
    let originalValueSize: Int?
    let showsHex: Bool

    /// What the value will be shown as.
    var format: Format {
        guard !showsHex, let value = record.value else { return record.value == nil ? .text : .hex }
        if MessageFormatting.prettyJSON(value) != nil { return .json }
        return MessageFormatting.text(value) != nil ? .text : .hex
    }

    /// Every line of the pane's body, for `width` columns.
    func lines(width: Int, timeZone: TimeZone) -> [[TextSpan]] {
        var lines: [[TextSpan]] = []
        lines.append([TextSpan("key      ", .dim), record.key.map { bytesInline($0) } ?? TextSpan("null", .dim)])
        if record.headers.isEmpty {
            lines.append([TextSpan("headers  ", .dim), TextSpan("none", .dim)])
        } else {
            for (index, header) in record.headers.enumerated() {
                lines.append([TextSpan(index == 0 ? "headers  " : "         ", .dim), TextSpan(header.key, .accent),
                              TextSpan(" = "), header.value.map { bytesInline($0) } ?? TextSpan("null", .dim)])
            }
        }
        lines.append([TextSpan("value    ", .dim), TextSpan(valueSummary, .dim)])
        guard let value = record.value else { return lines }
        switch format {
        case .json: lines += (MessageFormatting.prettyJSON(value) ?? []).map { [TextSpan($0)] }
        case .text: lines += (MessageFormatting.text(value) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            .map { [TextSpan(String($0))] }
        case .hex: lines += MessageFormatting.hexDump(value, width: width).map { [TextSpan($0)] }
        }
        return lines
    }

    /// `312 B, JSON` (and the cut, when there was one).
    var valueSummary: String {
        guard let value = record.value else { return "null" }
        let kind = switch format { case .json: "JSON"; case .text: "text"; case .hex: "hex" }
        var summary = "\(MessageFormatting.byteCount(originalValueSize ?? value.count)), \(kind)"
        if let originalValueSize { summary += ", first \(MessageFormatting.byteCount(value.count)) of \(MessageFormatting.byteCount(originalValueSize)) shown" }
        return summary
    }

    /// The title on the pane's top divider.
    func title(timeZone: TimeZone) -> String {
        "partition \(record.partition) · offset \(record.offset) · \(MessageFormatting.timestamp(record.timestamp, timeZone: timeZone))"
    }

    /// Draws the divider with the title, then the body from line `scroll`. Returns the
    /// number of body lines, so the view can bound its scrolling.
    @discardableResult
    func render(into screen: inout Screen, area: Rect, scroll: Int, context: ViewContext) -> Int {
        guard area.height >= 2 else { return 0 }
        let theme = context.theme
        screen.horizontalLine(row: area.row, column: area.column, width: area.width, style: theme[.border])
        let hint = showsHex ? " x: decoded " : " x: hex "
        screen.put(" " + title(timeZone: context.timeZone) + " ", row: area.row, column: area.column + 1,
                   style: theme[.title], maxWidth: max(0, area.width - hint.count - 3))
        screen.put(hint, row: area.row, column: area.column + area.width - hint.count - 1, style: theme[.dim])
        let body = Rect(row: area.row + 1, column: area.column + 1, height: area.height - 1, width: area.width - 2)
        let all = lines(width: body.width, timeZone: context.timeZone)
        let first = min(max(0, scroll), max(0, all.count - 1))
        let room = body.height
        let shown = all[first..<min(all.count, first + room)]
        let hidden = all.count - first - shown.count
        for (index, line) in shown.enumerated() {
            if hidden > 0, index == room - 1 {
                screen.put("… \(hidden + 1) more lines (J/K scroll)", row: body.row + index, column: body.column,
                           style: theme[.dim], maxWidth: body.width)
                break
            }
            screen.put(line, row: body.row + index, column: body.column, theme: theme, maxWidth: body.width)
        }
        return all.count
    }

    private func bytesInline(_ bytes: [UInt8]) -> TextSpan {
        guard let text = MessageFormatting.text(bytes) else { return MessageFormatting.preview(bytes) }
        return TextSpan(text.replacingOccurrences(of: "\n", with: "⏎"))
    }
}

extension MessageFormatting {
    /// `312 B` below a KiB (exact), else `Format.bytes`.
    static func byteCount(_ count: Int) -> String { Format.bytes(count) }
}
