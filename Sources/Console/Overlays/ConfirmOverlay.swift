/// A y/n question in a centred box. Only `y` confirms (Enter does not: a dangerous action
/// should not happen on a reflex); `n`, Esc and `q` cancel.
public final class ConfirmOverlay: Overlay {
    public let confirmation: Confirmation

    public init(_ confirmation: Confirmation) {
        self.confirmation = confirmation
    }

    public func handle(_ key: Key, context: ViewContext) -> [Effect] {
        switch key {
        case .char("y"), .char("Y"): return [.dismissOverlay] + confirmation.effects
        case .char("n"), .char("N"), .char("q"), .escape: return [.dismissOverlay]
        default: return []
        }
    }

    public func render(into screen: inout Screen, context: ViewContext) {
        let theme = context.theme
        let width = min(64, screen.size.columns - 4)
        guard width >= 20 else { return }
        let lines = TextWidth.wrap(confirmation.message, width: width - 4)
        let height = min(lines.count + 4, screen.size.rows)
        let rect = screen.bounds.centered(height: height, width: width)
        screen.box(rect, style: theme[.danger], title: confirmation.title, titleStyle: theme[.danger])
        for (index, line) in lines.prefix(height - 4).enumerated() {
            screen.put(line, row: rect.row + 1 + index, column: rect.column + 2, maxWidth: width - 4)
        }
        let buttons = [TextSpan("y", .dangerousKey), TextSpan(" \(confirmation.confirmLabel)   "),
                       TextSpan("n", .key), TextSpan(" Cancel")]
        let buttonsWidth = buttons.width
        screen.put(buttons, row: rect.bottom - 2, column: rect.column + max(2, (width - buttonsWidth) / 2), theme: theme,
                   maxWidth: width - 4)
    }
}

extension TextWidth {
    /// `text` broken into lines of at most `width` columns at spaces (long words are cut).
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                while of(word) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    let head = String(word.prefix(width))
                    lines.append(head)
                    word = String(word.dropFirst(head.count))
                }
                if line.isEmpty {
                    line = word
                } else if of(line) + 1 + of(word) <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = word
                }
            }
            lines.append(line)
        }
        return lines
    }
}
