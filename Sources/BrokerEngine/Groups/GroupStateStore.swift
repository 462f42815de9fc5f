import LogStore

/// Where the coordinator persists groups and committed offsets.
///
/// The engine implements it with the compacted `__consumer_offsets` log, as Kafka's
/// `GroupMetadataManager` does: offset commits are `OffsetCommitKey/Value` records, group
/// metadata `GroupMetadataKey/Value` records, deletions are tombstones, and `load()` replays
/// the log at start-up. Tests use an in-memory store.
///
/// The coordinator calls every method with its lock held, so an implementation must be
/// quick and must never call back into the coordinator. A thrown error fails the request
/// with COORDINATOR_NOT_AVAILABLE, as Kafka maps storage errors for group writes.
public protocol GroupStateStore: Sendable {
    /// Everything stored, replayed into the coordinator when it starts.
    func load() throws -> StoredGroupState
    /// Records commits (one record per partition in `__consumer_offsets`).
    func storeOffsets(groupId: String, offsets: [TopicPartition: CommittedOffset]) throws
    /// Removes committed offsets (tombstones): DeleteOffsets and offset expiry.
    func removeOffsets(groupId: String, partitions: [TopicPartition]) throws
    /// Records the group's metadata after a rebalance, a leader's SyncGroup or a static
    /// member replacement (Kafka's `storeGroup`).
    func storeGroup(_ snapshot: GroupSnapshot) throws
    /// Removes the group and all its offsets (DeleteGroups, or an expired empty group).
    func removeGroup(groupId: String) throws
}

/// The state a store replays at start-up.
public struct StoredGroupState: Sendable, Hashable {
    /// The latest metadata of each group.
    public var groups: [GroupSnapshot]
    /// Committed offsets by group id; a group id here without metadata is a simple
    /// (admin or standalone consumer) group and comes back Empty.
    public var offsets: [String: [TopicPartition: CommittedOffset]]

    public init(groups: [GroupSnapshot] = [], offsets: [String: [TopicPartition: CommittedOffset]] = [:]) {
        self.groups = groups
        self.offsets = offsets
    }
}

/// A group's metadata as stored (Kafka's `GroupMetadataValue`, version 3 fields).
public struct GroupSnapshot: Sendable, Hashable {
    public var groupId: String
    public var protocolType: String?
    public var generationId: Int32
    public var protocolName: String?
    public var leaderId: String?
    /// When the group entered its current state; for an Empty group, when it became
    /// empty, which starts the offsets' retention clock (KIP-211).
    public var currentStateTimestampMs: Int64?
    public var members: [MemberSnapshot]

    public init(groupId: String, protocolType: String?, generationId: Int32, protocolName: String?,
                leaderId: String?, currentStateTimestampMs: Int64?, members: [MemberSnapshot]) {
        self.groupId = groupId
        self.protocolType = protocolType
        self.generationId = generationId
        self.protocolName = protocolName
        self.leaderId = leaderId
        self.currentStateTimestampMs = currentStateTimestampMs
        self.members = members
    }
}

/// A member as stored: only the chosen protocol's metadata (`subscription`) is kept.
public struct MemberSnapshot: Sendable, Hashable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public var subscription: [UInt8]
    public var assignment: [UInt8]

    public init(memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
                rebalanceTimeoutMs: Int32, sessionTimeoutMs: Int32, subscription: [UInt8], assignment: [UInt8]) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.subscription = subscription
        self.assignment = assignment
    }
}
