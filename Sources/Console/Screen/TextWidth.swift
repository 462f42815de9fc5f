/// Terminal columns taken by text, and text made safe to put on a terminal.
///
/// Widths follow `wcwidth` (which ncurses uses to place characters) without depending on the
/// process locale: East Asian Wide and Fullwidth characters and emoji shown as emoji take two
/// columns, combining marks and format characters none, everything else one. A grapheme
/// cluster takes the width of its first scalar, or two when it asks for emoji presentation.
public enum TextWidth {
    /// Columns of `text` as the console draws it (after `sanitized`).
    public static func of(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count > 1, scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return of(first)
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value >= 0x20 ? 1 : 0 }
        if value < 0xA0 { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) || value == 0x200B { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        for range in wideRanges where range.contains(value) { return 2 }
        return 1
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks (Unicode 15, EastAsianWidth.txt, merged).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

extension TextWidth {
    /// One character as it may be written to the terminal. Control characters (C0, DEL, C1)
    /// in user data would move the cursor, clear the screen or start escape sequences, so they
    /// become visible stand-ins: the Unicode control pictures (␀…␟, ␡) or `?` in ASCII, as do
    /// the bidirectional overrides that reorder what follows them. In ASCII every non-ASCII
    /// character becomes `?`: a non-UTF-8 terminal would drop or garble it.
    public static func sanitized(_ character: Character, charset: Charset) -> Character {
        let scalars = character.unicodeScalars
        let isUnsafe = scalars.contains { isControl($0) || isBidiControl($0) }
        if charset == .ascii {
            if isUnsafe { return "?" }
            return character.isASCII ? character : "?"
        }
        guard isUnsafe, let first = scalars.first else { return character }
        switch first.value {
        case 0x00...0x1F: return Character(Unicode.Scalar(0x2400 + first.value)!)
        case 0x7F: return "\u{2421}"
        default: return "\u{FFFD}"
        }
    }

    /// `text` with every character `sanitized`.
    public static func sanitized(_ text: String, charset: Charset) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        return String(text.map { sanitized($0, charset: charset) })
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// `text` cut to at most `width` columns; when it is cut, the last column shows `ellipsis`.
    public static func truncated(_ text: String, to width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        result.append(ellipsis)
        return result
    }

    /// `text` truncated or padded with spaces to exactly `width` columns.
    public static func padded(_ text: String, to width: Int, alignRight: Bool = false, ellipsis: Character = "…") -> String {
        let cut = truncated(text, to: width, ellipsis: ellipsis)
        let padding = String(repeating: " ", count: max(0, width - of(cut)))
        return alignRight ? padding + cut : cut + padding
    }
}
