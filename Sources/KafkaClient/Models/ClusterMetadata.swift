import KafkaProtocol

/// A topic and one of its partitions.
public struct TopicAndPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
    public var description: String { "\(topic)-\(partition)" }
}

/// A broker as Metadata lists it.
public struct BrokerMetadata: Hashable, Sendable {
    public var nodeId: Int32
    public var host: String
    public var port: Int
    public var rack: String?

    public init(nodeId: Int32, host: String, port: Int, rack: String? = nil) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
        self.rack = rack
    }

    public var address: BrokerAddress { BrokerAddress(host: host, port: port) }
}

/// One partition as Metadata lists it.
public struct PartitionMetadata: Hashable, Sendable {
    public var partition: Int32
    /// -1 when there is no leader.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var offlineReplicas: [Int32]
    /// The partition's error, e.g. LEADER_NOT_AVAILABLE; nil when none.
    public var error: KafkaError?

    public init(partition: Int32, leader: Int32, leaderEpoch: Int32 = -1, replicas: [Int32], isr: [Int32],
                offlineReplicas: [Int32] = [], error: KafkaError? = nil) {
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.offlineReplicas = offlineReplicas
        self.error = error
    }
}

/// One topic as Metadata lists it; partitions sorted by index.
public struct TopicMetadata: Hashable, Sendable {
    public var name: String
    public var topicId: KafkaUUID
    public var isInternal: Bool
    public var partitions: [PartitionMetadata]
    /// The topic's error, e.g. UNKNOWN_TOPIC_OR_PARTITION; nil when none.
    public var error: KafkaError?

    public init(name: String, topicId: KafkaUUID = .zero, isInternal: Bool = false, partitions: [PartitionMetadata],
                error: KafkaError? = nil) {
        self.name = name
        self.topicId = topicId
        self.isInternal = isInternal
        self.partitions = partitions
        self.error = error
    }

    /// The replication factor of partition 0 (what kafka-topics.sh shows).
    public var replicationFactor: Int { partitions.first?.replicas.count ?? 0 }
}

/// A Metadata answer: brokers, controller, topics.
public struct ClusterMetadata: Hashable, Sendable {
    public var clusterId: String?
    public var controllerId: Int32
    public var brokers: [BrokerMetadata]
    public var topics: [TopicMetadata]

    public init(clusterId: String?, controllerId: Int32, brokers: [BrokerMetadata], topics: [TopicMetadata]) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.topics = topics
    }

    public func topic(_ name: String) -> TopicMetadata? { topics.first { $0.name == name } }
}

/// A record header on the way in or out.
public struct KafkaHeader: Hashable, Sendable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(_ key: String, _ value: String?) {
        self.init(key: key, value: value.map { Array($0.utf8) })
    }
}

/// A record to produce. `partition` nil lets the partitioner choose.
public struct ProducerRecord: Hashable, Sendable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    public var partition: Int32?
    /// Milliseconds since the epoch; nil stamps the time of sending.
    public var timestamp: Int64?

    public init(key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = [], partition: Int32? = nil, timestamp: Int64? = nil) {
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.timestamp = timestamp
    }

    public init(key: String? = nil, value: String?, headers: [KafkaHeader] = [], partition: Int32? = nil, timestamp: Int64? = nil) {
        self.init(key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) }, headers: headers,
                  partition: partition, timestamp: timestamp)
    }
}

/// A record read from a partition.
public struct ConsumerRecord: Equatable, Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var timestampType: TimestampType
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64, timestampType: TimestampType = .createTime,
                key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.timestampType = timestampType
        self.key = key
        self.value = value
        self.headers = headers
    }

    public var topicPartition: TopicAndPartition { TopicAndPartition(topic, partition) }
}
