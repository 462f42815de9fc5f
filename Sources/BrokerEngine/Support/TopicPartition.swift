/// One partition of one topic, the key of committed offsets, lag rows and reset plans.
///
/// BrokerEngine keeps its own small value type so the group coordinator does not depend on
/// message types generated in `KafkaProtocol`; the wire handlers convert at the boundary.
public struct TopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public init(topic: String, partition: Int32) {
        self.init(topic, partition)
    }

    /// Topic, then partition: the order `kafka-consumer-groups.sh` prints rows in.
    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    /// `topic-partition`, as Kafka's `TopicPartition.toString` prints it.
    public var description: String { "\(topic)-\(partition)" }
}
