/// How one cell looks: a foreground and background colour (the eight ANSI colours or the
/// terminal's default) and text attributes. `Terminal` maps it to ncurses attributes and
/// colour pairs; tests read it back from the `Screen`.
public struct Style: Hashable, Sendable {
    public enum Color: UInt8, Hashable, Sendable, CaseIterable {
        /// The terminal's own foreground or background (`use_default_colors`).
        case `default`
        case black, red, green, yellow, blue, magenta, cyan, white
    }

    public struct Attributes: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bold = Attributes(rawValue: 1 << 0)
        public static let dim = Attributes(rawValue: 1 << 1)
        public static let reverse = Attributes(rawValue: 1 << 2)
        public static let underline = Attributes(rawValue: 1 << 3)
    }

    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(foreground: Color = .default, background: Color = .default, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public var isBold: Bool { attributes.contains(.bold) }
    public var isReverse: Bool { attributes.contains(.reverse) }
    public var isDim: Bool { attributes.contains(.dim) }
    public var isUnderline: Bool { attributes.contains(.underline) }
    public var hasColor: Bool { foreground != .default || background != .default }

    public func with(_ extra: Attributes) -> Style {
        var style = self
        style.attributes.formUnion(extra)
        return style
    }

    /// The same attributes without colours: what `NO_COLOR` leaves of a style.
    public var withoutColor: Style { Style(attributes: attributes) }
}

/// The console's styles by meaning, so views say "warning" and never pick colours.
/// `Theme.monochrome` (for `NO_COLOR`, https://no-color.org) keeps every distinction with
/// attributes alone: selection is reverse video, warnings bold, dim stays dim.
public struct Theme: Sendable {
    public enum Role: Hashable, Sendable, CaseIterable {
        case normal
        /// Secondary text: labels, units, internal topics, empty-state hints.
        case dim
        /// The product name and values that matter in the header.
        case accent
        /// Healthy states (broker up, group Stable).
        case good
        /// Degraded but working (under-replicated, fenced broker, rebalancing group).
        case warning
        /// Broken or destructive (offline partition, stopped broker, out-of-sync replica).
        case danger
        /// A value that just changed (a leader that moved).
        case changed
        /// The selected row of a list.
        case selected
        case border
        case title
        case columnHeader
        /// A key name in the footer and help.
        case key
        /// A dangerous key's name.
        case dangerousKey
        /// Text typed into a prompt or the palette.
        case input
        case error
    }

    public let usesColor: Bool
    private let styles: [Role: Style]

    public func style(_ role: Role) -> Style { styles[role] ?? .plain }
    public subscript(role: Role) -> Style { style(role) }

    public static let colored = Theme(usesColor: true, styles: [
        .normal: .plain,
        .dim: Style(attributes: .dim),
        .accent: Style(foreground: .cyan, attributes: .bold),
        .good: Style(foreground: .green),
        .warning: Style(foreground: .yellow, attributes: .bold),
        .danger: Style(foreground: .red, attributes: .bold),
        .changed: Style(foreground: .magenta, attributes: .bold),
        .selected: Style(foreground: .black, background: .cyan),
        .border: Style(foreground: .blue),
        .title: Style(foreground: .cyan, attributes: .bold),
        .columnHeader: Style(attributes: [.bold, .underline]),
        .key: Style(foreground: .cyan, attributes: .bold),
        .dangerousKey: Style(foreground: .red, attributes: .bold),
        .input: Style(foreground: .yellow),
        .error: Style(foreground: .red, attributes: .bold),
    ])

    public static let monochrome = Theme(usesColor: false, styles: Theme.colored.styles.mapValues(\.withoutColor)
        .merging([
            .selected: Style(attributes: .reverse),
            .changed: Style(attributes: [.bold, .underline]),
            .border: .plain,
        ]) { $1 })

    /// `NO_COLOR` set to anything but the empty string turns colours off (no-color.org).
    public static func forEnvironment(_ environment: [String: String]) -> Theme {
        if let value = environment["NO_COLOR"], !value.isEmpty { return .monochrome }
        return .colored
    }
}
