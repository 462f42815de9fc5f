import BrokerEngine
import Foundation
import LogStore

/// The reset dialog's choices and how its fields become the engine's `OffsetResetScope`
/// and `OffsetResetStrategy` (the words of kafka-consumer-groups.sh's flags). Dates and
/// durations are read by `OffsetResetInput`, the same code `wharf groups reset-offsets` uses.
enum ResetOffsetsInput {
    static let allTopics = "all topics"
    static let topic = "topic"
    static let partitions = "partitions"
    static let scopes = [allTopics, topic, partitions]

    static let strategies = ["earliest", "latest", "offset", "datetime", "duration", "shift-by"]

    /// What the topic field wants for a scope choice.
    static func topicHint(scope: String) -> String {
        switch scope {
        case topic: "orders"
        case partitions: "orders:0,1"
        default: "(not used: every partition the group committed)"
        }
    }

    /// What the value field wants for a strategy.
    static func valueHint(strategy: String) -> String {
        switch strategy {
        case "offset": "an offset: 1200"
        case "datetime": "YYYY-MM-DDTHH:MM:SS[.sss][Z]"
        case "duration": "back from now: PT1H, P1DT2H"
        case "shift-by": "N, negative moves back: -100"
        default: "(not used)"
        }
    }

    /// The scope, or why the topic field cannot give one. `context` checks names and
    /// partition numbers against the snapshot when there is one.
    static func scope(_ choice: String, topicText: String, context: ViewContext) -> Result<OffsetResetScope, CommandError> {
        let text = topicText.trimmingCharacters(in: .whitespaces)
        switch choice {
        case topic:
            guard !text.isEmpty, !text.contains(":") else {
                return .failure(CommandError(text.isEmpty ? "Give a topic." : "Just a topic name here (partitions: choose that scope)."))
            }
            return known(text, context: context).map { .topics([$0]) }
        case partitions:
            guard let colon = text.firstIndex(of: ":") else { return .failure(CommandError("Write TOPIC:P[,P...], like orders:0,1.")) }
            let name = String(text[..<colon])
            let numbers = text[text.index(after: colon)...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !name.isEmpty, !numbers.isEmpty else { return .failure(CommandError("Write TOPIC:P[,P...], like orders:0,1.")) }
            return known(name, context: context).flatMap { name in
                var chosen: [TopicPartition] = []
                let count = context.topic(name)?.partitions.count
                for number in numbers {
                    guard let partition = Int32(number), partition >= 0 else {
                        return .failure(CommandError("'\(number)' is not a partition number."))
                    }
                    if let count, Int(partition) >= count {
                        return .failure(CommandError("\(name) has partitions 0-\(count - 1), not \(partition)."))
                    }
                    chosen.append(TopicPartition(name, partition))
                }
                return .success(.partitions(chosen))
            }
        default:
            return .success(.allTopics)
        }
    }

    private static func known(_ name: String, context: ViewContext) -> Result<String, CommandError> {
        guard context.snapshot == nil || context.topic(name) != nil else { return .failure(CommandError("Unknown topic \(name).")) }
        return .success(name)
    }

    /// The strategy, or why the value field cannot give one.
    static func strategy(_ choice: String, valueText: String) -> Result<OffsetResetStrategy, CommandError> {
        let text = valueText.trimmingCharacters(in: .whitespaces)
        func number() -> Int64? { Int64(text) }
        if text.isEmpty, !["earliest", "latest"].contains(choice) {
            return .failure(CommandError("Give a value for \(choice): \(valueHint(strategy: choice))."))
        }
        switch choice {
        case "earliest": return .success(.toEarliest)
        case "latest": return .success(.toLatest)
        case "offset":
            guard let offset = number(), offset >= 0 else { return .failure(CommandError("'\(text)' is not an offset (0 or more).")) }
            return .success(.toOffset(offset))
        case "datetime":
            guard let ms = OffsetResetInput.datetime(text) else {
                return .failure(CommandError("'\(text)' is not a date: YYYY-MM-DDTHH:MM:SS[.sss], optional Z or ±hh:mm."))
            }
            return .success(.toDatetime(ms))
        case "duration":
            guard let ms = OffsetResetInput.duration(text) else {
                return .failure(CommandError("'\(text)' is not a duration: PnDTnHnMnS, like PT1H30M."))
            }
            return .success(.byDuration(ms))
        default:
            guard let delta = number() else { return .failure(CommandError("'\(text)' is not a number to shift by.")) }
            return .success(.shiftBy(delta))
        }
    }

    /// `to earliest`, `to offset 1200`, `by duration PT1H`, `shift by -100` (the preview's line).
    static func describe(strategy choice: String, value: String) -> String {
        switch choice {
        case "earliest", "latest": "to \(choice)"
        case "shift-by": "shift by \(value)"
        case "duration": "by duration \(value)"
        default: "to \(choice) \(value)"
        }
    }
}
