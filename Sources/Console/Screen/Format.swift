import Foundation

/// Numbers as the console prints them: short, fixed-ish width, binary units for bytes.
public enum Format {
    /// `0 B`, `512 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB` (1024-based, as Kafka's tools size logs).
    public static func bytes<T: BinaryInteger>(_ value: T) -> String { bytes(Double(value)) }

    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var amount = max(0, value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(amount.rounded())) B" }
        return amount >= 100 ? "\(Int(amount.rounded())) \(units[unit])" : "\(oneDecimal(amount)) \(units[unit])"
    }

    /// `0`, `999`, `1.2k`, `34.5k`, `1.2M`, `3.0G` (records, lag).
    public static func count<T: BinaryInteger>(_ value: T) -> String { count(Double(value)) }

    public static func count(_ value: Double) -> String {
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        if magnitude < 1000 { return sign + "\(Int(magnitude.rounded()))" }
        for (limit, suffix) in [(1e6, "k"), (1e9, "M"), (1e12, "G")] where magnitude < limit {
            let scaled = magnitude / (limit / 1000)
            return sign + (scaled >= 100 ? "\(Int(scaled.rounded()))" : oneDecimal(scaled)) + suffix
        }
        return sign + oneDecimal(magnitude / 1e12) + "T"
    }

    /// A per-second rate of records (`1.2k/s`).
    public static func rate(_ perSecond: Double) -> String { count(perSecond) + "/s" }

    /// A per-second rate of bytes (`45.1 KiB/s`).
    public static func byteRate(_ perSecond: Double) -> String { bytes(perSecond) + "/s" }

    /// Milliseconds since the epoch as `2024-05-01 12:00:03` in `timeZone`; `-` for -1.
    public static func timestamp(_ ms: Int64, timeZone: TimeZone) -> String {
        guard ms >= 0 else { return "-" }
        let seconds = ms / 1000
        let local = seconds + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day,
                      secondOfDay / 3600, (secondOfDay % 3600) / 60, secondOfDay % 60)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// A sparkline: one character per sample, `▁` to `█` scaled to the largest sample shown
/// (`_` to `#` in ASCII). Zero is the lowest level and any positive sample at least the
/// next, so a trickle is visible next to a burst.
public enum Sparkline {
    public static func render(_ samples: [Double], width: Int, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let shown = samples.suffix(width)
        let levels = glyphs.levels
        let peak = shown.max() ?? 0
        var line = String(repeating: " ", count: width - shown.count)
        for sample in shown {
            guard peak > 0, sample > 0 else {
                line.append(levels[0])
                continue
            }
            let scaled = Int((sample / peak * Double(levels.count - 1)).rounded(.up))
            line.append(levels[min(levels.count - 1, max(1, scaled))])
        }
        return line
    }

    public static func render<T: BinaryInteger>(_ samples: [T], width: Int, glyphs: Glyphs) -> String {
        render(samples.map { Double($0) }, width: width, glyphs: glyphs)
    }
}
