/// A text checkpoint file (Kafka's `CheckpointFile`). Thread-safe as a value: each call does
/// its own I/O, and writes are atomic (tmp file, fsync, rename, fsync of the directory), so
/// a reader sees either the old or the new file. Concurrent writers must be serialised by
/// the owner.
///
/// Format, UTF-8, `\n` line ends:
/// ```
/// <version>
/// <entry count>
/// <entry>            one per line, format chosen by the kind of checkpoint
/// ```
/// An empty file reads as no entries, as in Kafka.
public struct CheckpointFile: Sendable {
    public let path: String
    public let version: Int

    public init(path: String, version: Int = 0) {
        self.path = path
        self.version = version
    }

    public var exists: Bool { FileSystem.exists(path) }

    public func write(lines: [String]) throws {
        var text = "\(version)\n\(lines.count)\n"
        for line in lines { text += line + "\n" }
        try FileSystem.writeAtomically(text, to: path)
    }

    /// The entry lines; a missing file reads as none.
    public func read() throws -> [String] {
        guard exists else { return [] }
        let text = try FileSystem.readText(path)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let versionLine = lines.first else { return [] }
        guard let readVersion = Int(versionLine) else { throw malformed("malformed line: \(versionLine)") }
        guard readVersion == version else {
            throw malformed("unrecognised version \(readVersion), expected version \(version)")
        }
        guard lines.count > 1 else { return [] }
        guard let expected = Int(lines[1]), expected >= 0 else { throw malformed("malformed line: \(lines[1])") }
        let entries = Array(lines.dropFirst(2))
        guard entries.count == expected else {
            throw malformed("expected \(expected) entries but found \(entries.count)")
        }
        return entries
    }

    func malformed(_ reason: String) -> LogStoreError { .malformedCheckpoint(path: path, reason: reason) }
}

/// `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`,
/// `replication-offset-checkpoint`, `cleaner-offset-checkpoint` (Kafka's `OffsetCheckpointFile`):
/// version 0, then one `topic partition offset` line per partition. Thread-safe like
/// `CheckpointFile`.
public struct OffsetCheckpointFile: Sendable {
    public static let recoveryPoint = "recovery-point-offset-checkpoint"
    public static let logStartOffset = "log-start-offset-checkpoint"
    public static let replicationOffset = "replication-offset-checkpoint"

    public let file: CheckpointFile

    public init(path: String) { file = CheckpointFile(path: path, version: 0) }

    public func write(_ offsets: [TopicPartition: Int64]) throws {
        try file.write(lines: offsets.sorted { $0.key < $1.key }.map { "\($0.key.topic) \($0.key.partition) \($0.value)" })
    }

    public func read() throws -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for line in try file.read() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, let partition = Int32(fields[1]), let offset = Int64(fields[2]) else {
                throw file.malformed("malformed line: \(line)")
            }
            offsets[TopicPartition(topic: String(fields[0]), partition: partition)] = offset
        }
        return offsets
    }
}

/// One leader epoch and the first offset written in it (a value; thread-safe).
public struct EpochEntry: Hashable, Sendable, CustomStringConvertible {
    public var epoch: Int32
    public var startOffset: Int64
    public init(epoch: Int32, startOffset: Int64) {
        self.epoch = epoch
        self.startOffset = startOffset
    }
    public var description: String { "EpochEntry(epoch=\(epoch), startOffset=\(startOffset))" }
}

/// A partition's `leader-epoch-checkpoint` (Kafka's `LeaderEpochCheckpointFile`): version 0,
/// then one `epoch startOffset` line per epoch, in epoch order. Thread-safe like `CheckpointFile`.
public struct LeaderEpochCheckpointFile: Sendable {
    public static let fileName = "leader-epoch-checkpoint"
    public let file: CheckpointFile

    public init(path: String) { file = CheckpointFile(path: path, version: 0) }

    public func write(_ entries: [EpochEntry]) throws {
        try file.write(lines: entries.map { "\($0.epoch) \($0.startOffset)" })
    }

    public func read() throws -> [EpochEntry] {
        try file.read().map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, let epoch = Int32(fields[0]), let offset = Int64(fields[1]) else {
                throw file.malformed("malformed line: \(line)")
            }
            return EpochEntry(epoch: epoch, startOffset: offset)
        }
    }
}

/// A partition's `partition.metadata` (Kafka's `PartitionMetadataFile`):
/// ```
/// version: 0
/// topic_id: <base64url topic uuid, as Kafka's Uuid.toString>
/// ```
/// with no newline after the id (as Kafka writes it; a trailing newline is accepted on read).
/// The topic id string is taken as given. Written atomically; thread-safe like `CheckpointFile`.
public struct PartitionMetadataFile: Sendable {
    public static let fileName = "partition.metadata"
    public let path: String

    public init(path: String) { self.path = path }

    public var exists: Bool { FileSystem.exists(path) }

    public func write(topicId: String) throws {
        try FileSystem.writeAtomically("version: 0\ntopic_id: \(topicId)", to: path)
    }

    /// The topic id.
    public func read() throws -> String {
        let text = try FileSystem.readText(path)
        let lines = text.split(separator: "\n").map(String.init)
        func malformed(_ reason: String) -> LogStoreError { .malformedCheckpoint(path: path, reason: reason) }
        guard lines.count == 2 else { throw malformed("expected 2 lines, found \(lines.count)") }
        guard lines[0].hasPrefix("version: "), let version = Int(lines[0].dropFirst("version: ".count)) else {
            throw malformed("malformed version line: \(lines[0])")
        }
        guard version == 0 else { throw malformed("unrecognised version \(version)") }
        guard lines[1].hasPrefix("topic_id: ") else { throw malformed("malformed topic_id line: \(lines[1])") }
        let id = String(lines[1].dropFirst("topic_id: ".count))
        guard !id.isEmpty, !id.contains(" ") else { throw malformed("malformed topic id: \(id)") }
        return id
    }
}
