import Foundation

/// How record bytes read on screen: a one-line preview for the table, pretty JSON or text
/// for the detail pane, and a `hexdump -C` style dump for anything.
public enum MessageFormatting {
    /// The bytes as text when they are valid UTF-8 (nil otherwise).
    public static func text(_ bytes: [UInt8]) -> String? { String(validating: bytes, as: UTF8.self) }

    /// One line: text with runs of whitespace (newlines in pretty JSON) shown as one space,
    /// `null` for a null, or the first bytes in hex for binary data.
    public static func preview(_ bytes: [UInt8]?, maxCharacters: Int = 240) -> TextSpan {
        guard let bytes else { return TextSpan("null", .dim) }
        guard let text = text(bytes) else {
            let hex = bytes.prefix(24).map { hexByte($0) }.joined(separator: " ")
            return TextSpan("0x " + hex + (bytes.count > 24 ? " …" : ""), .accent)
        }
        var line = ""
        var lastWasSpace = false
        for character in text.prefix(maxCharacters * 2) {
            let isSpace = character.isWhitespace || character.isNewline
            if isSpace {
                if !lastWasSpace, !line.isEmpty { line.append(" ") }
            } else {
                line.append(character)
            }
            lastWasSpace = isSpace
            if line.count >= maxCharacters { break }
        }
        return TextSpan(line)
    }

    /// Headers as `count: key=value, …`, or empty when there are none.
    public static func headersPreview(_ headers: [ConsumedRecord.Header]) -> String {
        guard !headers.isEmpty else { return "" }
        return "\(headers.count): " + headers.map { "\($0.key)=\(preview($0.value, maxCharacters: 40).text)" }
            .joined(separator: ", ")
    }

    /// The value pretty-printed when it is a JSON object or array (keys in their original
    /// order, two-space indent), else nil.
    public static func prettyJSON(_ bytes: [UInt8]) -> [String]? {
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
              first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
              (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil,
              let text = text(bytes) else { return nil }
        return reindent(text)
    }

    /// Re-lays out JSON already known to be valid, token by token, so the order of keys is
    /// kept (JSONSerialization's dictionaries would lose it).
    static func reindent(_ json: String) -> [String] {
        var lines: [String] = []
        var line = ""
        var depth = 0
        var inString = false
        var escaped = false
        func newLine() {
            if !line.isEmpty { lines.append(line) }
            line = String(repeating: "  ", count: depth)
        }
        var characters = Array(json)[...]
        while let character = characters.popFirst() {
            if inString {
                line.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"":
                inString = true
                line.append(character)
            case "{", "[":
                // Empty containers stay on one line: `{}` and `[]`.
                let closing: Character = character == "{" ? "}" : "]"
                if let next = characters.first(where: { !$0.isWhitespace }), next == closing {
                    line.append(character)
                    line.append(closing)
                    characters = characters.drop { $0.isWhitespace }.dropFirst()
                    continue
                }
                line.append(character)
                depth += 1
                newLine()
            case "}", "]":
                depth -= 1
                newLine()
                line.append(character)
            case ",":
                line.append(character)
                newLine()
            case ":":
                line.append(": ")
            case _ where character.isWhitespace:
                continue
            default:
                line.append(character)
            }
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        return lines
    }

    /// `hexdump -C` lines: offset, bytes in hex, the printable ASCII. 16 bytes a line when
    /// `width` allows (78 columns), else 8.
    public static func hexDump(_ bytes: [UInt8], width: Int) -> [String] {
        let perLine = width >= 78 ? 16 : 8
        return stride(from: 0, to: bytes.count, by: perLine).map { start in
            let chunk = bytes[start..<min(bytes.count, start + perLine)]
            var hex = ""
            for index in 0..<perLine {
                if index > 0 { hex += index == 8 ? "  " : " " }
                hex += index < chunk.count ? hexByte(chunk[chunk.startIndex + index]) : "  "
            }
            let ascii = String(chunk.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
            return String(format: "%08x", start) + "  " + hex + "  |" + ascii + "|"
        }
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// `2024-05-01 12:00:03.123`: a tail wants the milliseconds.
    public static func timestamp(_ ms: Int64, timeZone: TimeZone) -> String {
        guard ms >= 0 else { return "-" }
        let millis = ms % 1000
        return Format.timestamp(ms, timeZone: timeZone) + String(format: ".%03d", Int(millis))
    }
}
