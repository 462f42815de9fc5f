/// A key press (or a terminal event delivered as one), independent of ncurses: `Terminal`
/// translates ncurses' codes into these, tests script them directly.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (letters, digits, punctuation, space, any Unicode).
    case char(Character)
    /// Ctrl plus a letter (`ctrl("c")` is Ctrl-C, which arrives as a key in raw mode).
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    /// The terminal changed size (ncurses' KEY_RESIZE).
    case resize

    /// How help and the footer name the key.
    public func displayName(_ glyphs: Glyphs) -> String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return glyphs.up
        case .down: return glyphs.down
        case .left: return glyphs.left
        case .right: return glyphs.right
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return glyphs.enterKey
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        }
    }

    public var description: String { displayName(.ascii) }

    /// The character this key types into a text field, if any.
    public var typedCharacter: Character? {
        if case .char(let c) = self { return c }
        return nil
    }

    /// Keys for a string of printable characters (tests: `Key.typing("orders")`).
    public static func typing(_ text: String) -> [Key] { text.map { .char($0) } }
}
