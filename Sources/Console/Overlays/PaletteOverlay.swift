/// The `:` command palette (k9s's prompt): a model (the line typed, the highlighted
/// suggestion), an interpreter (`execute`, over the `PaletteCommand` table) and this view.
///
/// The commands are the `PaletteCommand` table plus the bindings of the view on top that
/// have a `command` name (`:delete` does what `d` does), so keys and commands cannot drift.
/// Suggestions follow the word being typed: command names first, then each argument's
/// candidates from the snapshot (topics, groups, brokers, a topic's partitions). Tab or →
/// accepts the highlighted suggestion, ↑/↓ move the highlight, Enter runs the line (an
/// unfinished command name runs the highlighted command), Esc closes. A command that fails
/// (unknown topic, bad number) leaves the palette open with the reason.
public final class PaletteOverlay: Overlay {
    public struct Suggestion: Equatable {
        /// The whole line after accepting it.
        public var line: String
        public var label: String
        public var detail: String
    }

    public let commands: [PaletteCommand]
    public private(set) var text: String
    public private(set) var highlighted = 0
    public private(set) var error: String?

    public init(commands: [PaletteCommand] = PaletteCommands.standard, text: String = "") {
        self.commands = commands
        self.text = text
    }

    public var usesFooter: Bool { true }

    /// The table's commands, then the focused view's bindings that have a command name
    /// (unless the table already has that name).
    public func allCommands(context: ViewContext) -> [PaletteCommand] {
        let names = Set(commands.flatMap { [$0.name] + $0.aliases })
        let fromBindings = context.focus.bindings.compactMap { binding -> PaletteCommand? in
            guard let name = binding.command, !names.contains(name) else { return nil }
            let keys = binding.keyNames(context.glyphs)
            return PaletteCommand(name, description: "\(binding.description) (\(keys))", mutates: binding.mutates) { _, _ in
                .success([.action(binding.action)])
            }
        }
        return commands + fromBindings
    }

    public func command(named word: String, context: ViewContext) -> PaletteCommand? {
        allCommands(context: context).first { $0.matches(word) }
    }

    /// The words typed so far and the (possibly empty) word being typed.
    private func split() -> (done: [String], current: String) {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if text.isEmpty || text.last == " " { return (words, "") }
        let current = words.removeLast()
        return (words, current)
    }

    public func suggestions(context: ViewContext) -> [Suggestion] {
        let (done, current) = split()
        guard let first = done.first else {
            return allCommands(context: context).filter { $0.name.hasPrefix(current) || $0.aliases.contains(current) }.map { command in
                Suggestion(line: command.name + (command.arguments.isEmpty ? "" : " "), label: command.usage,
                           detail: command.description)
            }
        }
        guard let command = command(named: first, context: context) else { return [] }
        let index = done.count - 1
        guard index < command.arguments.count else { return [] }
        let argument = command.arguments[index]
        let prefix = done.joined(separator: " ") + " "
        let more = index + 1 < command.arguments.count
        return PaletteCommands.candidates(for: argument.kind, previous: Array(done.dropFirst()), context: context)
            .filter { $0.hasPrefix(current) }
            .map { Suggestion(line: prefix + $0 + (more ? " " : ""), label: $0, detail: argument.name) }
    }

    public func handle(_ key: Key, context: ViewContext) -> [Effect] {
        let suggestions = self.suggestions(context: context)
        switch key {
        case .escape:
            return [.dismissOverlay]
        case .tab, .right:
            guard !suggestions.isEmpty else { return [] }
            text = suggestions[min(highlighted, suggestions.count - 1)].line
            highlighted = 0
            error = nil
        case .down, .ctrl("n"):
            if !suggestions.isEmpty { highlighted = (highlighted + 1) % suggestions.count }
        case .up, .ctrl("p"), .backTab:
            if !suggestions.isEmpty { highlighted = (highlighted + suggestions.count - 1) % suggestions.count }
        case .enter:
            return execute(context: context, suggestions: suggestions)
        default:
            if TextEditing.apply(key, to: &text) {
                highlighted = 0
                error = nil
            }
        }
        return []
    }

    /// Runs the line: on success the palette closes and the command's effects follow.
    private func execute(context: ViewContext, suggestions: [Suggestion]) -> [Effect] {
        var words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { return [.dismissOverlay] }
        if command(named: first, context: context) == nil, words.count == 1, !suggestions.isEmpty {
            words = suggestions[min(highlighted, suggestions.count - 1)].line.split(separator: " ").map(String.init)
        }
        guard let command = command(named: words[0], context: context) else {
            error = "Unknown command \(words[0]) (Tab completes, :help lists them)"
            return []
        }
        let arguments = Array(words.dropFirst())
        let required = command.arguments.filter { !$0.isOptional }.count
        guard arguments.count >= required, arguments.count <= command.arguments.count else {
            error = "Usage: \(command.usage)"
            return []
        }
        if command.mutates && context.readOnly {
            error = "Read-only: \(command.name) is disabled"
            return []
        }
        switch command.run(arguments, context) {
        case .success(let effects): return [.dismissOverlay] + effects
        case .failure(let failure):
            error = failure.description
            return []
        }
    }

    public func render(into screen: inout Screen, context: ViewContext) {
        let theme = context.theme
        let footer = screen.size.rows - 1
        TextEditing.drawField(prompt: ":", text: text, error: error, row: footer, into: &screen, theme: theme)
        let suggestions = self.suggestions(context: context)
        let room = min(8, footer - 3)
        // The error takes the row above the field until the next key.
        guard error == nil, !suggestions.isEmpty, room > 0 else { return }
        let width = min(screen.size.columns, 72)
        let start = max(0, min(highlighted - room + 1, suggestions.count - room))
        let shown = suggestions.dropFirst(start).prefix(room)
        let rect = Rect(row: footer - shown.count - 2, column: 0, height: shown.count + 2, width: width)
        screen.box(rect, style: theme[.border], title: "commands", titleStyle: theme[.title],
                   rightTitle: suggestions.count > room ? "\(highlighted + 1)/\(suggestions.count)" : nil)
        let labelWidth = min(32, max(shown.map { TextWidth.of($0.label) }.max() ?? 0, 8))
        for (offset, suggestion) in shown.enumerated() {
            let y = rect.row + 1 + offset
            let selected = start + offset == highlighted
            let style = selected ? theme[.selected] : theme[.normal]
            if selected { screen.fill(Rect(row: y, column: 1, height: 1, width: width - 2), style: style) }
            screen.put(suggestion.label, row: y, column: 2, style: selected ? style : theme[.key], width: min(labelWidth, width - 4))
            let detailColumn = 2 + labelWidth + 2
            if detailColumn < width - 2 {
                screen.put(suggestion.detail, row: y, column: detailColumn, style: selected ? style : theme[.dim],
                           maxWidth: width - 1 - detailColumn)
            }
        }
    }
}
