import ArgumentParser
import BrokerEngine
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

    /// `--to-datetime`: `OffsetResetInput.datetime` (shared with the console's dialog).
    static func parseDatetime(_ text: String) throws -> Int64 {
        guard let ms = OffsetResetInput.datetime(text) else {
            throw ValidationError("--to-datetime takes YYYY-MM-DDTHH:mm:SS.sss with an optional Z or ±hh:mm, got '\(text)'.")
        }
        return ms
    }

    /// `--by-duration`: `OffsetResetInput.duration` (shared with the console's dialog).
    static func parseDuration(_ text: String) throws -> Int64 {
        guard let ms = OffsetResetInput.duration(text) else {
            throw ValidationError("--by-duration takes an ISO-8601 duration like PT1H30M or P1DT2H, got '\(text)'.")
        }
        return ms
    }
}
