/// What a key asks for, by name. Open-ended on purpose: a view or dialog adds its own
/// (`extension Action { static let tail = Action("messages.tail") }`) and handles it in
/// `perform(_:context:)`; the app handles the global ones.
public struct Action: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// One row of a key-binding table: the keys, the action, and the words the footer, the `?`
/// help and the command palette show for it. Tables are data (lazygit's and k9s's keymaps),
/// so what the footer says a key does and what it does cannot drift apart.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// A word or two for the footer (`delete`).
    public var label: String
    /// A sentence for the help screen.
    public var description: String
    /// Shown in the footer (the help shows every binding).
    public var showInFooter: Bool
    /// Changes the cluster: disabled with `--read-only`.
    public var mutates: Bool
    /// Asks for confirmation first (shown in the danger colour).
    public var isDangerous: Bool
    /// The name the `:` palette offers it under while its view is on top (`:delete` acts
    /// on the selected row like `d`); nil keeps it out of the palette.
    public var command: String?

    public init(_ keys: [Key], _ action: Action, label: String, description: String, command: String? = nil,
                showInFooter: Bool = true, mutates: Bool = false, isDangerous: Bool = false) {
        self.keys = keys
        self.action = action
        self.label = label
        self.description = description
        self.command = command
        self.showInFooter = showInFooter
        self.mutates = mutates
        self.isDangerous = isDangerous
    }

    public func matches(_ key: Key) -> Bool { keys.contains(key) }

    /// The keys as the footer and help name them (`j/↓`).
    public func keyNames(_ glyphs: Glyphs) -> String { keys.map { $0.displayName(glyphs) }.joined(separator: "/") }
}

extension Array where Element == KeyBinding {
    /// The first binding for `key` (tables are searched in order, so earlier rows win).
    public func binding(for key: Key) -> KeyBinding? { first { $0.matches(key) } }
}

// MARK: Global actions and their table

extension Action {
    public static let moveUp = Action("move.up")
    public static let moveDown = Action("move.down")
    public static let pageUp = Action("move.pageUp")
    public static let pageDown = Action("move.pageDown")
    public static let moveTop = Action("move.top")
    public static let moveBottom = Action("move.bottom")
    /// Drill into the selected row (Enter, →, l).
    public static let open = Action("open")
    /// Back to the previous view (Esc, ←, h); first clears an active filter.
    public static let back = Action("back")
    public static let filter = Action("filter")
    public static let palette = Action("palette")
    public static let help = Action("help")
    /// Quit after confirming.
    public static let quit = Action("quit")
    /// Quit at once (Ctrl-C).
    public static let quitNow = Action("quit.now")
    /// Redraw the whole terminal (Ctrl-L).
    public static let redraw = Action("redraw")
}

public enum GlobalBindings {
    /// Keys that work in every view. Views' own tables are searched first, so a view can
    /// take over a key; navigation actions are offered to the view before the app.
    public static let table: [KeyBinding] = [
        KeyBinding([.up, .char("k")], .moveUp, label: "up", description: "Move the selection up", showInFooter: false),
        KeyBinding([.down, .char("j")], .moveDown, label: "down", description: "Move the selection down", showInFooter: false),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, label: "page up", description: "Up one page", showInFooter: false),
        KeyBinding([.pageDown, .ctrl("f")], .pageDown, label: "page down", description: "Down one page", showInFooter: false),
        KeyBinding([.char("g"), .home], .moveTop, label: "top", description: "Jump to the first row", showInFooter: false),
        KeyBinding([.char("G"), .end], .moveBottom, label: "bottom", description: "Jump to the last row", showInFooter: false),
        KeyBinding([.enter, .right, .char("l")], .open, label: "open", description: "Drill into the selected row"),
        KeyBinding([.escape, .left, .char("h")], .back, label: "back",
                   description: "Clear the filter, else go back to the previous view"),
        KeyBinding([.char("/")], .filter, label: "filter", description: "Filter the list (Enter keeps it, Esc clears it)"),
        KeyBinding([.char(":")], .palette, label: "cmd", description: "Command palette (Tab completes)"),
        KeyBinding([.char("?")], .help, label: "help", description: "Show every key and command"),
        KeyBinding([.char("q")], .quit, label: "quit", description: "Quit (asks first); stops the cluster cleanly"),
        KeyBinding([.ctrl("c")], .quitNow, label: "quit now", description: "Quit at once; still stops the cluster cleanly",
                   showInFooter: false),
        KeyBinding([.ctrl("l")], .redraw, label: "redraw", description: "Redraw the screen", showInFooter: false),
    ]
}
