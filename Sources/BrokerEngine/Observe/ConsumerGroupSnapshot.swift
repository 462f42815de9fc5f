import LogStore

/// A consumer group as the console shows it: state, members and what they were assigned,
/// committed offsets, lag against the high watermarks and a short history of total lag.
/// A value, taken with `Cluster.snapshot()`.
public struct ConsumerGroupSnapshot: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var memberId: String
        /// `group.instance.id` of a static member (KIP-345).
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var isLeader: Bool
        /// The partitions of the member's last assignment, decoded when the group's protocol
        /// type is `consumer` (empty before its first SyncGroup); nil for other protocol
        /// types (Connect, Streams' own) and for bytes that are not a consumer assignment.
        public var assignedPartitions: [TopicPartition]?
    }

    public var groupId: String
    public var state: GroupState
    /// Empty for a simple group (offsets committed without joining, e.g. by an admin tool).
    public var protocolType: String
    /// The chosen protocol (for consumers, the assignor); empty until one is chosen.
    public var protocolName: String
    public var generationId: Int32
    /// In join order; the first leads unless leadership moved.
    public var members: [Member]
    /// With their metadata and leader epoch, as OffsetFetch returns them.
    public var committedOffsets: [TopicPartition: CommittedOffset]
    /// Per partition and in total; partitions of subscribed topics without a commit have no lag.
    public var lag: GroupLag
    /// Total lag, oldest first, one sample a second (as the traffic rates), for a sparkline.
    public var lagHistory: [Int64]

    public var totalLag: Int64 { lag.total }
}
