/// File names inside a partition directory, as Kafka's `LogFileUtils` spells them.
///
/// A segment's files are named by its base offset zero-padded to 20 digits:
/// `00000000000000000000.log`, `.index`, `.timeindex`, `.txnindex`, `.snapshot`. Files being
/// deleted, cleaned or swapped in carry a second suffix: `.deleted`, `.cleaned`, `.swap`
/// (`00000000000000000000.log.deleted`). Thread-safe (a value type).
public struct LogFileName: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case log = ".log"
        case index = ".index"
        case timeIndex = ".timeindex"
        case transactionIndex = ".txnindex"
        case producerSnapshot = ".snapshot"
    }

    public enum Temporary: String, Sendable, CaseIterable {
        case deleted = ".deleted"
        case cleaned = ".cleaned"
        case swap = ".swap"
    }

    public var baseOffset: Int64
    public var kind: Kind
    public var temporary: Temporary?

    public init(baseOffset: Int64, kind: Kind, temporary: Temporary? = nil) {
        self.baseOffset = baseOffset
        self.kind = kind
        self.temporary = temporary
    }

    /// `filenamePrefixFromOffset`: the offset as 20 decimal digits with leading zeros.
    public static func prefix(_ offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    public var description: String {
        Self.prefix(baseOffset) + kind.rawValue + (temporary?.rawValue ?? "")
    }

    /// Parses a file name; nil for anything that is not `<20 digits><kind>[<temporary>]`
    /// (`abc.log`, `leader-epoch-checkpoint`, `123.log` with fewer digits).
    public init?(parsing name: String) {
        var rest = Substring(name)
        var temporary: Temporary?
        for candidate in Temporary.allCases where rest.hasSuffix(candidate.rawValue) {
            temporary = candidate
            rest = rest.dropLast(candidate.rawValue.count)
            break
        }
        guard let kind = Kind.allCases.first(where: { rest.hasSuffix($0.rawValue) }) else { return nil }
        let digits = rest.dropLast(kind.rawValue.count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let offset = Int64(digits) else { return nil }
        self.init(baseOffset: offset, kind: kind, temporary: temporary)
    }
}

/// A topic name and partition number; its directory is `<topic>-<partition>`.
/// Thread-safe (a value type).
public struct TopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public init(_ topic: String, _ partition: Int32) {
        self.init(topic: topic, partition: partition)
    }

    /// The partition directory name, `orders-0`.
    public var directoryName: String { "\(topic)-\(partition)" }
    public var description: String { directoryName }

    /// Parses `<topic>-<partition>`; the topic may itself contain `-`. Nil for names with a
    /// Kafka suffix (`topic-0.<uuid>-delete`, `-future`, `-stray`) or no partition number.
    public init?(directoryName name: String) {
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let topic = String(name[..<dash])
        guard !topic.isEmpty, let partition = Int32(name[name.index(after: dash)...]), partition >= 0 else { return nil }
        self.init(topic: topic, partition: partition)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}
