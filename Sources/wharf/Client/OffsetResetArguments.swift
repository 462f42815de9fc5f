import ArgumentParser
import BrokerEngine
import Glibc
import LogStore

/// Parsing for `wharf groups reset-offsets`: the scope (`--topic t[:p,...]`,
/// `--all-topics`) and the strategy flags of kafka-consumer-groups.sh.
enum OffsetResetArguments {
    /// `--topic orders` or `--topic orders:0,2`; several `--topic`s combine.
    static func scope(topics: [String], allTopics: Bool) throws -> OffsetResetScope {
        guard allTopics != !topics.isEmpty else {
            throw ValidationError("Give one of --topic or --all-topics.")
        }
        if allTopics { return .allTopics }
        var whole: [String] = []
        var partitions: [TopicPartition] = []
        for spec in topics {
            guard let colon = spec.firstIndex(of: ":") else {
                guard !spec.isEmpty else { throw ValidationError("--topic must not be empty.") }
                whole.append(spec)
                continue
            }
            let topic = String(spec[..<colon])
            let numbers = spec[spec.index(after: colon)...].split(separator: ",")
            guard !topic.isEmpty, !numbers.isEmpty else { throw ValidationError("--topic takes TOPIC or TOPIC:P[,P...], got '\(spec)'.") }
            for number in numbers {
                guard let partition = Int32(number), partition >= 0 else {
                    throw ValidationError("--topic \(spec): '\(number)' is not a partition number.")
                }
                partitions.append(TopicPartition(topic, partition))
            }
        }
        switch (whole.isEmpty, partitions.isEmpty) {
        case (false, true): return .topics(whole)
        case (true, false): return .partitions(partitions)
        default:
            throw ValidationError("Give either whole topics (--topic t) or partitions (--topic t:0,1), not both.")
        }
    }

    /// `2026-01-31T12:00:00.000`, optionally followed by `Z` or a `+hh:mm` / `-hhmm` offset;
    /// local time without one (as kafka-consumer-groups.sh). The fraction is optional.
    static func parseDatetime(_ text: String) throws -> Int64 {
        let invalid = ValidationError(
            "--to-datetime takes YYYY-MM-DDTHH:mm:SS.sss with an optional Z or ±hh:mm, got '\(text)'.")
        let chars = Array(text)
        func number(_ range: Range<Int>) throws -> Int {
            guard range.upperBound <= chars.count, let value = Int(String(chars[range])),
                  chars[range].allSatisfy(\.isASCII) else { throw invalid }
            return value
        }
        guard chars.count >= 19, chars[4] == "-", chars[7] == "-", chars[10] == "T" || chars[10] == "t",
              chars[13] == ":", chars[16] == ":" else { throw invalid }
        var parts = tm()
        parts.tm_year = Int32(try number(0..<4)) - 1900
        parts.tm_mon = Int32(try number(5..<7)) - 1
        parts.tm_mday = Int32(try number(8..<10))
        parts.tm_hour = Int32(try number(11..<13))
        parts.tm_min = Int32(try number(14..<16))
        parts.tm_sec = Int32(try number(17..<19))
        guard (0...11).contains(parts.tm_mon), (1...31).contains(parts.tm_mday), (0...23).contains(parts.tm_hour),
              (0...59).contains(parts.tm_min), (0...60).contains(parts.tm_sec) else { throw invalid }
        var index = 19
        var millis = 0
        if index < chars.count, chars[index] == "." {
            var digits = ""
            index += 1
            while index < chars.count, chars[index].isASCII, chars[index].isNumber {
                digits.append(chars[index])
                index += 1
            }
            guard !digits.isEmpty else { throw invalid }
            millis = Int(String((digits + "00").prefix(3)))!
        }
        let zone = String(chars[index...])
        let seconds: Int
        if zone.isEmpty {
            parts.tm_isdst = -1
            seconds = mktime(&parts)
        } else if zone == "Z" || zone == "z" {
            seconds = timegm(&parts)
        } else {
            guard let sign = zone.first, sign == "+" || sign == "-" else { throw invalid }
            let digits = zone.dropFirst().filter { $0 != ":" }
            guard digits.count == 4 || digits.count == 2, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw invalid }
            let hours = Int(digits.prefix(2))!, minutes = digits.count == 4 ? Int(digits.suffix(2))! : 0
            let offset = (hours * 60 + minutes) * 60
            seconds = timegm(&parts) - (sign == "+" ? offset : -offset)
        }
        return Int64(seconds) * 1000 + Int64(millis)
    }

    /// An ISO-8601 duration as Java's `Duration.parse` reads it: `P[nD][T[nH][nM][n[.n]S]]`,
    /// signs allowed per part. Returns milliseconds.
    static func parseDuration(_ text: String) throws -> Int64 {
        let invalid = ValidationError("--by-duration takes an ISO-8601 duration like PT1H30M or P1DT2H, got '\(text)'.")
        var rest = Substring(text.uppercased())
        var negate = false
        if rest.hasPrefix("-") { negate = true; rest = rest.dropFirst() } else if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard rest.hasPrefix("P") else { throw invalid }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var sawPart = false
        var number = ""
        for character in rest {
            switch character {
            case "T":
                guard !inTime, number.isEmpty else { throw invalid }
                inTime = true
            case "0"..."9", ".", "-", "+":
                number.append(character)
            case "D", "H", "M", "S":
                guard let value = Double(number) else { throw invalid }
                guard inTime || character == "D" else { throw invalid }
                guard !inTime || character != "D" else { throw invalid }
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
                throw invalid
            }
        }
        guard sawPart, number.isEmpty else { throw invalid }
        return Int64((negate ? -total : total).rounded())
    }
}
