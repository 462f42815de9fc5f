import LogStore

/// Public value types of the group coordinator's API (requests and results).

/// The classic group states (Kafka's `ClassicGroupState`); `rawValue` is the name Kafka
/// reports in ListGroups and DescribeGroups.
public enum GroupState: String, Sendable, CaseIterable, Hashable {
    /// No members; the group may still hold committed offsets.
    case empty = "Empty"
    /// Waiting for members to (re)join before a new generation.
    case preparingRebalance = "PreparingRebalance"
    /// Joined; waiting for the leader's assignment in SyncGroup.
    case completingRebalance = "CompletingRebalance"
    /// Every member has its assignment.
    case stable = "Stable"
    /// Removed (deleted, or expired with no offsets left).
    case dead = "Dead"

    /// Parses a state name case-insensitively, as ListGroups' `StatesFilter` does.
    public init?(name: String) {
        guard let state = GroupState.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = state
    }
}

/// One protocol a member supports (for consumers: an assignor name and its subscription).
public struct MemberProtocol: Hashable, Sendable {
    public var name: String
    public var metadata: [UInt8]
    public init(name: String, metadata: [UInt8]) {
        self.name = name
        self.metadata = metadata
    }
}

/// A member in the leader's JoinGroup response.
public struct JoinedMember: Hashable, Sendable {
    public var memberId: String
    public var groupInstanceId: String?
    public var metadata: [UInt8]

    public init(memberId: String, groupInstanceId: String? = nil, metadata: [UInt8]) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.metadata = metadata
    }
}

/// A successful JoinGroup.
public struct JoinGroupResult: Hashable, Sendable {
    public var memberId: String
    public var generationId: Int32
    public var protocolType: String?
    public var protocolName: String?
    public var leaderId: String
    /// KIP-814: the leader is a static member that rejoined a Stable group; it must not
    /// compute a new assignment (the group keeps the current one).
    public var skipAssignment: Bool
    /// Every member's metadata for the chosen protocol, only in the leader's response.
    public var members: [JoinedMember]

    public init(memberId: String, generationId: Int32, protocolType: String? = nil, protocolName: String? = nil, leaderId: String, skipAssignment: Bool, members: [JoinedMember]) {
        self.memberId = memberId
        self.generationId = generationId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.leaderId = leaderId
        self.skipAssignment = skipAssignment
        self.members = members
    }
}

/// A successful SyncGroup.
public struct SyncGroupResult: Hashable, Sendable {
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: [UInt8]

    public init(protocolType: String? = nil, protocolName: String? = nil, assignment: [UInt8]) {
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignment = assignment
    }
}

/// A member named in a LeaveGroup (v3+: by member id, or by instance id alone).
public struct LeavingMember: Hashable, Sendable {
    public var memberId: String
    public var groupInstanceId: String?
    public init(memberId: String, groupInstanceId: String? = nil) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }
}

/// The outcome for one member of a LeaveGroup batch.
public struct LeaveResult: Hashable, Sendable {
    public var memberId: String
    public var groupInstanceId: String?
    public var error: GroupError?

    public init(memberId: String, groupInstanceId: String? = nil, error: GroupError? = nil) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.error = error
    }
}

/// What a client commits for one partition.
public struct OffsetCommit: Hashable, Sendable {
    public var offset: Int64
    public var leaderEpoch: Int32?
    public var metadata: String
    public init(offset: Int64, leaderEpoch: Int32? = nil, metadata: String = "") {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
    }
}

/// A committed offset as stored (Kafka's `OffsetAndMetadata`), with its commit time.
public struct CommittedOffset: Hashable, Sendable {
    public var offset: Int64
    public var leaderEpoch: Int32?
    public var metadata: String
    public var commitTimestampMs: Int64
    public init(offset: Int64, leaderEpoch: Int32?, metadata: String, commitTimestampMs: Int64) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestampMs = commitTimestampMs
    }
}

/// Per-partition failures of an otherwise accepted commit.
public struct OffsetCommitResult: Hashable, Sendable {
    /// Partitions not stored (OFFSET_METADATA_TOO_LARGE); every other partition was.
    public var partitionErrors: [TopicPartition: GroupError]

    public init(partitionErrors: [TopicPartition: GroupError]) {
        self.partitionErrors = partitionErrors
    }
}

/// One row of OffsetFetch: `offset` is -1 when nothing is committed (Kafka's INVALID_OFFSET).
public struct FetchedOffset: Hashable, Sendable {
    public var topicPartition: TopicPartition
    public var offset: Int64
    public var leaderEpoch: Int32?
    public var metadata: String

    public init(topicPartition: TopicPartition, offset: Int64, leaderEpoch: Int32? = nil, metadata: String) {
        self.topicPartition = topicPartition
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
    }
}

/// A row of ListGroups.
public struct ListedGroup: Hashable, Sendable {
    public var groupId: String
    public var protocolType: String
    public var state: GroupState

    public init(groupId: String, protocolType: String, state: GroupState) {
        self.groupId = groupId
        self.protocolType = protocolType
        self.state = state
    }
}

/// A member in DescribeGroups. Metadata and assignment are filled only when the group is
/// Stable, as Kafka's `GroupMetadata.summary` does.
public struct DescribedMember: Hashable, Sendable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var metadata: [UInt8]
    public var assignment: [UInt8]

    public init(memberId: String, groupInstanceId: String? = nil, clientId: String, clientHost: String, metadata: [UInt8], assignment: [UInt8]) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.metadata = metadata
        self.assignment = assignment
    }
}

/// A group in DescribeGroups; an unknown group is `Dead` with `error = .groupIdNotFound`.
public struct GroupDescription: Hashable, Sendable {
    public var groupId: String
    public var error: GroupError?
    public var state: GroupState
    public var protocolType: String
    /// The chosen protocol, empty unless Stable (Kafka's `NoProtocol`).
    public var protocolName: String
    public var members: [DescribedMember]

    public init(groupId: String, error: GroupError? = nil, state: GroupState, protocolType: String, protocolName: String, members: [DescribedMember]) {
        self.groupId = groupId
        self.error = error
        self.state = state
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.members = members
    }
}

/// The outcome of DeleteGroups for one group.
public struct GroupDeletionResult: Hashable, Sendable {
    public var groupId: String
    public var error: GroupError?

    public init(groupId: String, error: GroupError? = nil) {
        self.groupId = groupId
        self.error = error
    }
}

/// Per-partition refusals of an OffsetDelete; every other named partition was deleted.
public struct OffsetDeleteResult: Hashable, Sendable {
    public var partitionErrors: [TopicPartition: GroupError]

    public init(partitionErrors: [TopicPartition: GroupError]) {
        self.partitionErrors = partitionErrors
    }
}
