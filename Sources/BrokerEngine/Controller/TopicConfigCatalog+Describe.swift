/// What DescribeConfigs says about each topic config beyond its value: its data type, the
/// broker config it falls back to, and a line of documentation.
extension TopicConfigCatalog {
    /// Kafka's `LogConfig.configDef` types.
    static func type(of name: String) -> ConfigType {
        switch name {
        case "segment.bytes", "index.interval.bytes", "segment.index.bytes", "max.message.bytes", "min.insync.replicas":
            return .int
        case "segment.ms", "segment.jitter.ms", "retention.ms", "retention.bytes", "flush.messages", "flush.ms",
             "file.delete.delay.ms":
            return .long
        case "message.timestamp.type":
            return .string
        case "cleanup.policy":
            return .list
        default:
            switch extra[name]?.kind {
            case .boolean: return .boolean
            case .long: return .long
            case .int: return .int
            case .ratio: return .double
            case .list: return .list
            case .choice: return .string
            case nil: return .unknown
            }
        }
    }

    /// The broker config a topic config defaults to (Kafka's
    /// `ServerTopicConfigSynonyms.ALL_TOPIC_CONFIG_SYNONYMS`), with the divisor that turns the
    /// topic's milliseconds into the broker config's unit. Where Kafka has several synonyms
    /// (`log.retention.ms`, `.minutes`, `.hours`) this is the one holding the default, which
    /// is the one Kafka lists for a broker that sets none of them.
    static let brokerSynonyms: [String: (name: String, divisor: Int64)] = [
        "segment.bytes": ("log.segment.bytes", 1),
        "segment.ms": ("log.roll.hours", 3_600_000),
        "segment.jitter.ms": ("log.roll.jitter.hours", 3_600_000),
        "segment.index.bytes": ("log.index.size.max.bytes", 1),
        "flush.messages": ("log.flush.interval.messages", 1),
        "flush.ms": ("log.flush.scheduler.interval.ms", 1),
        "retention.ms": ("log.retention.hours", 3_600_000),
        "retention.bytes": ("log.retention.bytes", 1),
        "max.message.bytes": ("message.max.bytes", 1),
        "index.interval.bytes": ("log.index.interval.bytes", 1),
        "delete.retention.ms": ("log.cleaner.delete.retention.ms", 1),
        "min.compaction.lag.ms": ("log.cleaner.min.compaction.lag.ms", 1),
        "max.compaction.lag.ms": ("log.cleaner.max.compaction.lag.ms", 1),
        "file.delete.delay.ms": ("log.segment.delete.delay.ms", 1),
        "min.cleanable.dirty.ratio": ("log.cleaner.min.cleanable.ratio", 1),
        "cleanup.policy": ("log.cleanup.policy", 1),
        "unclean.leader.election.enable": ("unclean.leader.election.enable", 1),
        "min.insync.replicas": ("min.insync.replicas", 1),
        "compression.type": ("compression.type", 1),
        "compression.gzip.level": ("compression.gzip.level", 1),
        "compression.lz4.level": ("compression.lz4.level", 1),
        "compression.zstd.level": ("compression.zstd.level", 1),
        "preallocate": ("log.preallocate", 1),
        "message.timestamp.type": ("log.message.timestamp.type", 1),
        "message.timestamp.before.max.ms": ("log.message.timestamp.before.max.ms", 1),
        "message.timestamp.after.max.ms": ("log.message.timestamp.after.max.ms", 1),
        "local.retention.ms": ("log.local.retention.ms", 1),
        "local.retention.bytes": ("log.local.retention.bytes", 1),
    ]

    /// The broker synonym of `name` with `value` (the topic default) in the broker config's unit.
    static func brokerSynonym(_ name: String, value: String?) -> (name: String, value: String?)? {
        guard let synonym = brokerSynonyms[name] else { return nil }
        guard synonym.divisor != 1, let value, let number = Int64(value) else { return (synonym.name, value) }
        return (synonym.name, String(number / synonym.divisor))
    }

    /// The broker config's type: the topic config's, except for the hour-valued synonyms.
    static func brokerSynonymType(of topicConfig: String) -> ConfigType {
        brokerSynonyms[topicConfig].map { $0.divisor == 1 ? type(of: topicConfig) : .int } ?? .unknown
    }

    /// One line per topic config (Kafka's documentation, shortened).
    static let documentation: [String: String] = [
        "cleanup.policy": "How old segments are cleaned up: delete (by retention), compact (keep the latest value per key), or both.",
        "compression.type": "The codec of the topic's batches: uncompressed, gzip, snappy, lz4, zstd, or producer (keep the producer's).",
        "compression.gzip.level": "The compression level when compression.type is gzip.",
        "compression.lz4.level": "The compression level when compression.type is lz4.",
        "compression.zstd.level": "The compression level when compression.type is zstd.",
        "delete.retention.ms": "How long delete tombstones are kept on compacted topics.",
        "file.delete.delay.ms": "How long to wait before deleting a file from the filesystem.",
        "flush.messages": "Force an fsync after this many messages.",
        "flush.ms": "Force an fsync when the last one is this old.",
        "follower.replication.throttled.replicas": "Replicas whose log replication is throttled on the follower side.",
        "index.interval.bytes": "How often an offset index entry is added, in bytes of log.",
        "leader.replication.throttled.replicas": "Replicas whose log replication is throttled on the leader side.",
        "local.retention.bytes": "With tiered storage, the most bytes kept locally (-2: retention.bytes).",
        "local.retention.ms": "With tiered storage, how long segments are kept locally (-2: retention.ms).",
        "max.compaction.lag.ms": "The longest a message may stay ineligible for compaction.",
        "max.message.bytes": "The largest record batch size allowed.",
        "message.timestamp.after.max.ms": "How far a record's timestamp may be ahead of the broker's time.",
        "message.timestamp.before.max.ms": "How far a record's timestamp may be behind the broker's time.",
        "message.timestamp.type": "CreateTime keeps the producer's timestamps; LogAppendTime stamps records when appended.",
        "min.cleanable.dirty.ratio": "How dirty a log must be before the cleaner compacts it.",
        "min.compaction.lag.ms": "The shortest time a message stays uncompacted.",
        "min.insync.replicas": "The fewest in-sync replicas that must acknowledge an acks=all write.",
        "preallocate": "Preallocate the file of a new segment.",
        "remote.storage.enable": "Whether tiered storage is enabled for the topic.",
        "retention.bytes": "The largest a partition may grow before old segments are deleted (-1: no limit).",
        "retention.ms": "How long a segment is kept before it is deleted (-1: no time limit).",
        "segment.bytes": "The size at which a segment file rolls.",
        "segment.index.bytes": "The size of a segment's offset index.",
        "segment.jitter.ms": "The most a segment roll is brought forward at random, to avoid rolls all at once.",
        "segment.ms": "The age at which a segment rolls even when not full.",
        "unclean.leader.election.enable": "Whether a replica outside the ISR may become leader as a last resort, losing data.",
    ]
}
