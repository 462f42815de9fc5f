import LogStore

/// One record typed into the produce dialog: text key, value and headers, as a console
/// user writes them (UTF-8 bytes on the wire).
public struct ProduceRecord: Hashable, Sendable {
    public struct Header: Hashable, Sendable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var topic: String
    /// Nil: the default partitioner chooses (by key).
    public var partition: Int32?
    /// Nil (left blank) is a null key, not an empty one, so keyless records spread.
    public var key: String?
    public var value: String?
    public var headers: [Header]

    public init(topic: String, partition: Int32? = nil, key: String? = nil, value: String? = nil, headers: [Header] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Where a produced record landed.
public struct ProducedRecord: Hashable, Sendable {
    public var topicPartition: TopicPartition
    public var offset: Int64

    public init(topicPartition: TopicPartition, offset: Int64) {
        self.topicPartition = topicPartition
        self.offset = offset
    }

    /// `Produced to orders-2 at offset 1234` (Kafka's `topic-partition` naming).
    public var summary: String { "Produced to \(topicPartition.topic)-\(topicPartition.partition) at offset \(offset)" }
}
