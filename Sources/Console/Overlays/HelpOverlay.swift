/// `?`: every key of the view on top, the global keys and the `:` commands, built from the
/// same tables as the footer and the palette. Scrolls with the usual keys; `?`, Esc or `q`
/// closes it.
public final class HelpOverlay: Overlay {
    private var top = 0
    private var pageSize = 10

    public init() {}

    /// The help as lines of spans (also what tests read).
    public static func lines(context: ViewContext) -> [[TextSpan]] {
        var lines: [[TextSpan]] = []
        let glyphs = context.glyphs
        func section(_ title: String) {
            if !lines.isEmpty { lines.append([]) }
            lines.append([TextSpan(title, .title)])
        }
        func binding(_ binding: KeyBinding) {
            let disabled = binding.mutates && context.readOnly
            var line = [TextSpan("  "), TextSpan(TextWidth.padded(binding.keyNames(glyphs), to: 14),
                                                  binding.isDangerous ? .dangerousKey : .key),
                        TextSpan(binding.description, disabled ? .dim : .normal)]
            if let command = binding.command { line.append(TextSpan("  :\(command)", .dim)) }
            if disabled { line.append(TextSpan(" (off: read-only)", .dim)) }
            lines.append(line)
        }
        section("\(context.focus.title) keys")
        if context.focus.bindings.isEmpty { lines.append([TextSpan("  (none of its own)", .dim)]) }
        context.focus.bindings.forEach(binding)
        section("Everywhere")
        GlobalBindings.table.forEach(binding)
        section("Commands (: then Tab completes)")
        let usageWidth = min(40, (context.commands.map { TextWidth.of($0.usage) }.max() ?? 0) + 3)
        for command in context.commands {
            let disabled = command.mutates && context.readOnly
            var line = [TextSpan("  "), TextSpan(TextWidth.padded(":" + command.usage, to: usageWidth), .key),
                        TextSpan(command.description, disabled ? .dim : .normal)]
            if disabled { line.append(TextSpan(" (off: read-only)", .dim)) }
            lines.append(line)
        }
        return lines
    }

    public func handle(_ key: Key, context: ViewContext) -> [Effect] {
        let count = Self.lines(context: context).count
        switch key {
        case .char("?"), .char("q"), .escape, .enter: return [.dismissOverlay]
        case .up, .char("k"): top -= 1
        case .down, .char("j"): top += 1
        case .pageUp, .ctrl("b"): top -= pageSize
        case .pageDown, .ctrl("f"), .char(" "): top += pageSize
        case .char("g"), .home: top = 0
        case .char("G"), .end: top = count
        default: break
        }
        top = max(0, min(top, count - pageSize))
        return []
    }

    public func render(into screen: inout Screen, context: ViewContext) {
        let theme = context.theme
        let rect = Rect(row: 1, column: 2, height: screen.size.rows - 2, width: screen.size.columns - 4)
        guard rect.height >= 4, rect.width >= 20 else { return }
        let lines = Self.lines(context: context)
        pageSize = rect.height - 2
        top = max(0, min(top, lines.count - pageSize))
        let position = lines.count > pageSize ? "\(top + 1)-\(min(lines.count, top + pageSize))/\(lines.count)" : nil
        screen.box(rect, style: theme[.border], title: "Help (? or Esc closes)", titleStyle: theme[.title],
                   rightTitle: position, rightTitleStyle: theme[.dim])
        for (offset, line) in lines.dropFirst(top).prefix(pageSize).enumerated() {
            screen.put(line, row: rect.row + 1 + offset, column: rect.column + 2, theme: theme, maxWidth: rect.width - 4)
        }
    }
}
