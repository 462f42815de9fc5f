/// The characters the console draws with: UTF-8 box drawing and block elements, or plain
/// ASCII when the locale is not UTF-8 (ncurses then drops every non-ASCII character, so the
/// fallback is not cosmetic).
public enum Charset: String, Sendable {
    case unicode
    case ascii
}

public struct Glyphs: Sendable, Equatable {
    public let charset: Charset
    public let horizontal: Character
    public let vertical: Character
    public let topLeft: Character
    public let topRight: Character
    public let bottomLeft: Character
    public let bottomRight: Character
    public let teeLeft: Character
    public let teeRight: Character
    /// Sparkline levels, lowest first (8 of them).
    public let levels: [Character]
    public let ellipsis: Character
    /// Marks the active segment, a group leader.
    public let bullet: Character
    public let breadcrumb: String
    public let enterKey: String
    public let up: String
    public let down: String
    public let left: String
    public let right: String
    /// Separates items in the header.
    public let separator: String
    /// Marks what is above or below the visible rows.
    public let moreAbove: Character
    public let moreBelow: Character

    public static let unicode = Glyphs(
        charset: .unicode, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
        bottomRight: "┘", teeLeft: "├", teeRight: "┤", levels: Array("▁▂▃▄▅▆▇█"), ellipsis: "…", bullet: "●",
        breadcrumb: " › ", enterKey: "⏎", up: "↑", down: "↓", left: "←", right: "→", separator: " · ",
        moreAbove: "▲", moreBelow: "▼")

    public static let ascii = Glyphs(
        charset: .ascii, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
        bottomRight: "+", teeLeft: "+", teeRight: "+", levels: Array("_.-:=+*#"), ellipsis: "~", bullet: "*",
        breadcrumb: " > ", enterKey: "Enter", up: "Up", down: "Dn", left: "Left", right: "Right", separator: " | ",
        moreAbove: "^", moreBelow: "v")

    public static func forCharset(_ charset: Charset) -> Glyphs { charset == .unicode ? .unicode : .ascii }
}
