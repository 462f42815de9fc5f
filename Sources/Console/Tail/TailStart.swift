import BrokerEngine
import Foundation

/// Where a tail starts reading.
public enum TailStart: Sendable, Equatable {
    /// The newest `perPartition` records of each partition, then follow (kcat's `-o -N`).
    case end(perPartition: Int)
    /// Each partition's log start.
    case beginning
    /// `offset` in `partition`, or in every partition (clamped to each log's range) when nil.
    case offset(Int64, partition: Int32?)
    /// The first record at or after this time (ms since the epoch) in each partition.
    case timestamp(Int64)

    public static let defaultEnd = TailStart.end(perPartition: 100)

    /// Words for the view's status line (`from offset 5 in partition 2`).
    public func describe(timeZone: TimeZone) -> String {
        switch self {
        case .end(let count): "from the end (newest \(count) per partition)"
        case .beginning: "from the beginning"
        case .offset(let offset, nil): "from offset \(offset)"
        case .offset(let offset, let partition?): "from offset \(offset) in partition \(partition)"
        case .timestamp(let ms): "from \(Format.timestamp(ms, timeZone: timeZone))"
        }
    }

    /// `OFFSET` or `P:OFFSET` as typed at the `o` prompt; `partitions` are the ones tailed.
    public static func parseOffset(_ text: String, partitions: [Int32]) -> Result<TailStart, CommandError> {
        let words = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard words.count <= 2, let last = words.last, !last.isEmpty else {
            return .failure(CommandError("Give an offset: OFFSET or PARTITION:OFFSET (like 1200 or 2:1200)."))
        }
        guard let offset = Int64(last), offset >= 0 else {
            return .failure(CommandError("Offset must be a number >= 0, not \(last)."))
        }
        guard words.count == 2 else { return .success(.offset(offset, partition: nil)) }
        guard let partition = Int32(words[0]) else {
            return .failure(CommandError("Partition must be a number, not \(words[0])."))
        }
        guard partitions.isEmpty || partitions.contains(partition) else {
            let known = partitions.count == 1 ? "only partition \(partitions[0]) is tailed"
                : "partitions are \(partitions.first ?? 0)-\(partitions.last ?? 0)"
            return .failure(CommandError("No partition \(partition) here: \(known)."))
        }
        return .success(.offset(offset, partition: partition))
    }

    /// `YYYY-MM-DDTHH:MM:SS` (in `timeZone`, or UTC with a trailing `Z`) or epoch
    /// milliseconds, as typed at the `T` prompt.
    public static func parseTimestamp(_ text: String, timeZone: TimeZone) -> Result<TailStart, CommandError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isNumber) {
            guard let ms = Int64(trimmed) else { return .failure(CommandError("\(trimmed) is too large for epoch ms.")) }
            return .success(.timestamp(ms))
        }
        // The short forms the prompt also takes, written out for the shared parser (the one
        // `groups reset-offsets --to-datetime` and the reset dialog use).
        let utc = trimmed.hasSuffix("Z")
        var body = utc ? String(trimmed.dropLast()) : trimmed
        if body.count == 10 { body += "T00:00:00" }
        if body.count == 16 { body += ":00" }
        if body.count >= 11, Array(body)[10] == " " { body = String(body.prefix(10)) + "T" + String(body.dropFirst(11)) }
        if let ms = OffsetResetInput.datetime(body + (utc ? "Z" : ""), timeZone: timeZone) { return .success(.timestamp(ms)) }
        return .failure(CommandError("Not a time: \(trimmed.isEmpty ? "(empty)" : trimmed). Use YYYY-MM-DDTHH:MM:SS or epoch ms."))
    }
}
