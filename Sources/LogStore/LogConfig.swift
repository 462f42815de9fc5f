import KafkaProtocol

/// Per-topic log settings with Kafka's names and defaults (`LogConfig.java`,
/// `ServerLogConfigs.java`). Thread-safe (a value type).
///
/// `init(properties:)` parses Kafka's string form, rejecting bad values with an error naming
/// the key and value; keys it does not know are kept in `otherProperties` and given back by
/// `properties`, so topic configs owned by other layers (`compression.type`, ...) round-trip.
public struct LogConfig: Equatable, Sendable {
    public enum CleanupPolicy: String, Sendable, CaseIterable { case delete, compact }

    /// `segment.bytes`: roll when the active segment would grow past this.
    public var segmentBytes: Int = 1_073_741_824
    /// `segment.ms`: roll when the active segment's first batch is this old.
    public var segmentMs: Int64 = 604_800_000
    /// `segment.jitter.ms`: each segment rolls up to this much earlier (random per segment).
    public var segmentJitterMs: Int64 = 0
    /// `retention.ms`: delete segments whose newest timestamp is older; -1 keeps forever.
    public var retentionMs: Int64 = 604_800_000
    /// `retention.bytes`: delete oldest segments while the log is bigger; -1 for no limit.
    public var retentionBytes: Int64 = -1
    /// `index.interval.bytes`: bytes between offset index entries.
    public var indexIntervalBytes: Int = 4096
    /// `segment.index.bytes`: the most an index may hold; a full index rolls the segment.
    public var segmentIndexBytes: Int = 10_485_760
    /// `max.message.bytes`: the largest record batch a producer may append.
    public var maxMessageBytes: Int = 1_048_588
    /// `message.timestamp.type`: CreateTime keeps the producer's timestamps, LogAppendTime stamps now.
    public var messageTimestampType: TimestampType = .createTime
    /// `flush.messages`: fdatasync after this many unflushed messages (default: never).
    public var flushMessages: Int64 = Int64.max
    /// `flush.ms`: fdatasync when the last flush is this old (default: never).
    public var flushMs: Int64 = Int64.max
    /// `file.delete.delay.ms`: Kafka waits this long before unlinking `.deleted` files. Kept
    /// for the topic's config; LogStore renames to `.deleted` and unlinks at once, because
    /// reads copy their bytes under the partition lock and so never see a deleted file.
    public var fileDeleteDelayMs: Int64 = 60_000
    /// `cleanup.policy`: delete, compact, or both.
    public var cleanupPolicy: Set<CleanupPolicy> = [.delete]
    /// `min.insync.replicas`: acks=all needs this many in-sync replicas.
    public var minInsyncReplicas: Int = 1
    /// Keys this type does not interpret, kept verbatim.
    public var otherProperties: [String: String] = [:]

    public init() {}

    public static let knownKeys: [String] = [
        "segment.bytes", "segment.ms", "segment.jitter.ms", "retention.ms", "retention.bytes",
        "index.interval.bytes", "segment.index.bytes", "max.message.bytes", "message.timestamp.type",
        "flush.messages", "flush.ms", "file.delete.delay.ms", "cleanup.policy", "min.insync.replicas",
    ]

    /// Parses Kafka-style properties over the defaults.
    public init(properties: [String: String]) throws {
        self.init()
        for (key, value) in properties {
            try set(key, value)
        }
    }

    /// Sets one key from its string form.
    public mutating func set(_ key: String, _ value: String) throws {
        func int(_ minimum: Int64) throws -> Int64 {
            guard let number = Int64(value.trimmingCharacters(in: " ")) else {
                throw LogStoreError.invalidConfig(key: key, value: value, reason: "not an integer")
            }
            guard number >= minimum else {
                throw LogStoreError.invalidConfig(key: key, value: value, reason: "must be at least \(minimum)")
            }
            return number
        }
        func int32(_ minimum: Int64) throws -> Int {
            let number = try int(minimum)
            guard number <= Int64(Int32.max) else {
                throw LogStoreError.invalidConfig(key: key, value: value, reason: "must be at most \(Int32.max)")
            }
            return Int(number)
        }
        switch key {
        case "segment.bytes": segmentBytes = try int32(14)
        case "segment.ms": segmentMs = try int(1)
        case "segment.jitter.ms": segmentJitterMs = try int(0)
        case "retention.ms": retentionMs = try int(-1)
        case "retention.bytes": retentionBytes = try int(-1)
        case "index.interval.bytes": indexIntervalBytes = try int32(0)
        case "segment.index.bytes": segmentIndexBytes = try int32(4)
        case "max.message.bytes": maxMessageBytes = try int32(0)
        case "flush.messages": flushMessages = try int(1)
        case "flush.ms": flushMs = try int(0)
        case "file.delete.delay.ms": fileDeleteDelayMs = try int(0)
        case "min.insync.replicas": minInsyncReplicas = try int32(1)
        case "message.timestamp.type":
            switch value {
            case "CreateTime": messageTimestampType = .createTime
            case "LogAppendTime": messageTimestampType = .logAppendTime
            default: throw LogStoreError.invalidConfig(key: key, value: value, reason: "must be CreateTime or LogAppendTime")
            }
        case "cleanup.policy":
            var policies: Set<CleanupPolicy> = []
            for item in value.split(separator: ",") {
                let name = item.trimmingCharacters(in: " ")
                guard let policy = CleanupPolicy(rawValue: name) else {
                    throw LogStoreError.invalidConfig(key: key, value: value, reason: "'\(name)' is not delete or compact")
                }
                policies.insert(policy)
            }
            cleanupPolicy = policies
        default:
            otherProperties[key] = value
        }
    }

    /// Every setting in Kafka's string form, defaults included.
    public var properties: [String: String] {
        var result = otherProperties
        result["segment.bytes"] = String(segmentBytes)
        result["segment.ms"] = String(segmentMs)
        result["segment.jitter.ms"] = String(segmentJitterMs)
        result["retention.ms"] = String(retentionMs)
        result["retention.bytes"] = String(retentionBytes)
        result["index.interval.bytes"] = String(indexIntervalBytes)
        result["segment.index.bytes"] = String(segmentIndexBytes)
        result["max.message.bytes"] = String(maxMessageBytes)
        result["message.timestamp.type"] = messageTimestampType.name
        result["flush.messages"] = String(flushMessages)
        result["flush.ms"] = String(flushMs)
        result["file.delete.delay.ms"] = String(fileDeleteDelayMs)
        result["cleanup.policy"] = CleanupPolicy.allCases.filter(cleanupPolicy.contains).map(\.rawValue).joined(separator: ",")
        result["min.insync.replicas"] = String(minInsyncReplicas)
        return result
    }
}


extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
