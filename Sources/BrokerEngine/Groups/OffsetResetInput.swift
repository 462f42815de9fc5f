import Foundation
import Glibc

/// The text forms of kafka-consumer-groups.sh's time-based reset strategies, shared by
/// `wharf groups reset-offsets` (`--to-datetime`, `--by-duration`) and the console's
/// reset-offsets dialog, so both read a date or a duration exactly alike. Each returns nil
/// for text it cannot read; callers word the error for their own surface (a flag, a field).
public enum OffsetResetInput {
    /// `2026-01-31T12:00:00.000`, optionally followed by `Z` or a `+hh:mm` / `-hhmm` offset;
    /// in `timeZone` without one (local time, as kafka-consumer-groups.sh). The fraction is
    /// optional; a date that does not exist (February 30) is refused. Returns milliseconds
    /// since the epoch. The console's tail reads its times with this too.
    public static func datetime(_ text: String, timeZone: TimeZone = .current) -> Int64? {
        let chars = Array(text)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count, chars[range].allSatisfy(\.isASCII) else { return nil }
            return Int(String(chars[range]))
        }
        guard chars.count >= 19, chars[4] == "-", chars[7] == "-", chars[10] == "T" || chars[10] == "t",
              chars[13] == ":", chars[16] == ":",
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year) - 1900
        parts.tm_mon = Int32(month) - 1
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        guard (0...11).contains(parts.tm_mon), (1...31).contains(parts.tm_mday), (0...23).contains(parts.tm_hour),
              (0...59).contains(parts.tm_min), (0...60).contains(parts.tm_sec) else { return nil }
        var index = 19
        var millis = 0
        if index < chars.count, chars[index] == "." {
            var digits = ""
            index += 1
            while index < chars.count, chars[index].isASCII, chars[index].isNumber {
                digits.append(chars[index])
                index += 1
            }
            guard !digits.isEmpty else { return nil }
            millis = Int(String((digits + "00").prefix(3)))!
        }
        let zone = String(chars[index...])
        // timegm normalises out-of-range fields (Feb 30 → Mar 2): a changed field means the
        // date does not exist.
        var normalised = parts
        let wallSeconds = timegm(&normalised)
        guard normalised.tm_mday == parts.tm_mday, normalised.tm_mon == parts.tm_mon else { return nil }
        let seconds: Int
        if zone.isEmpty {
            // The zone's offset at that wall time (looked up twice to land right next to a DST change).
            let guess = wallSeconds - timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wallSeconds)))
            seconds = wallSeconds - timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess)))
        } else if zone == "Z" || zone == "z" {
            seconds = wallSeconds
        } else {
            guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
            let digits = zone.dropFirst().filter { $0 != ":" }
            guard digits.count == 4 || digits.count == 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let hours = Int(digits.prefix(2))!, minutes = digits.count == 4 ? Int(digits.suffix(2))! : 0
            let offset = (hours * 60 + minutes) * 60
            seconds = wallSeconds - (sign == "+" ? offset : -offset)
        }
        return Int64(seconds) * 1000 + Int64(millis)
    }

    /// An ISO-8601 duration as Java's `Duration.parse` reads it: `P[nD][T[nH][nM][n[.n]S]]`,
    /// signs allowed per part. Returns milliseconds.
    public static func duration(_ text: String) -> Int64? {
        var rest = Substring(text.uppercased())
        var negate = false
        if rest.hasPrefix("-") { negate = true; rest = rest.dropFirst() } else if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var sawPart = false
        var number = ""
        for character in rest {
            switch character {
            case "T":
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
            case "0"..."9", ".", "-", "+":
                number.append(character)
            case "D", "H", "M", "S":
                guard let value = Double(number) else { return nil }
                guard inTime || character == "D" else { return nil }
                guard !inTime || character != "D" else { return nil }
                let scale: Double = switch character {
                case "D": 86_400_000
                case "H": 3_600_000
                case "M": 60_000
                default: 1000
                }
                total += value * scale
                number = ""
                sawPart = true
            default:
                return nil
            }
        }
        guard sawPart, number.isEmpty else { return nil }
        return Int64((negate ? -total : total).rounded())
    }
}
