import LogStore

/// Why a group operation failed, one case per Kafka error the classic coordinator returns.
///
/// Case names follow Kafka's `Errors` enum (`UNKNOWN_MEMBER_ID` → `unknownMemberId`);
/// `kafkaCode` gives the wire code, which only the KafkaServer handlers should need.
public enum GroupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// UNKNOWN_TOPIC_OR_PARTITION (3): the logs do not know the partition (offset reset).
    case unknownTopicOrPartition(TopicPartition)
    /// OFFSET_METADATA_TOO_LARGE (12): commit metadata longer than `offset.metadata.max.bytes`.
    case offsetMetadataTooLarge
    /// COORDINATOR_NOT_AVAILABLE (15): the group is being removed, or the state store failed.
    case coordinatorNotAvailable
    /// ILLEGAL_GENERATION (22): the request's generation is not the group's current one.
    case illegalGeneration
    /// INCONSISTENT_GROUP_PROTOCOL (23): protocol type or protocols don't match the group's.
    case inconsistentGroupProtocol
    /// INVALID_GROUP_ID (24): an empty group id where the API needs one.
    case invalidGroupId
    /// UNKNOWN_MEMBER_ID (25): the coordinator does not know this member.
    case unknownMemberId
    /// INVALID_SESSION_TIMEOUT (26): outside `group.{min,max}.session.timeout.ms`.
    case invalidSessionTimeout
    /// REBALANCE_IN_PROGRESS (27): the member must rejoin.
    case rebalanceInProgress
    /// NON_EMPTY_GROUP (68): the group still has members.
    case nonEmptyGroup
    /// GROUP_ID_NOT_FOUND (69): no such group.
    case groupIdNotFound
    /// MEMBER_ID_REQUIRED (79, KIP-394): rejoin with the member id given here.
    case memberIdRequired(memberId: String)
    /// GROUP_MAX_SIZE_REACHED (81): `group.max.size` members already.
    case groupMaxSizeReached
    /// FENCED_INSTANCE_ID (82, KIP-345): another member id now owns this `group.instance.id`.
    case fencedInstanceId
    /// GROUP_SUBSCRIBED_TO_TOPIC (86, KIP-496): offsets of a topic the group consumes.
    case groupSubscribedToTopic
    /// An offset reset on a group that has members. `kafka-consumer-groups.sh` refuses it
    /// before sending anything; on the wire it would be NON_EMPTY_GROUP (68).
    case groupNotInactive(groupId: String, state: GroupState)
    /// `--shift-by` on a partition without a committed offset; the tool's
    /// IllegalArgumentException, UNKNOWN_SERVER_ERROR (-1) if it ever reaches the wire.
    case noCommittedOffset(TopicPartition)

    /// Kafka's numeric error code (`org.apache.kafka.common.protocol.Errors`).
    public var kafkaCode: Int16 {
        switch self {
        case .unknownTopicOrPartition: return 3
        case .offsetMetadataTooLarge: return 12
        case .coordinatorNotAvailable: return 15
        case .illegalGeneration: return 22
        case .inconsistentGroupProtocol: return 23
        case .invalidGroupId: return 24
        case .unknownMemberId: return 25
        case .invalidSessionTimeout: return 26
        case .rebalanceInProgress: return 27
        case .nonEmptyGroup, .groupNotInactive: return 68
        case .groupIdNotFound: return 69
        case .memberIdRequired: return 79
        case .groupMaxSizeReached: return 81
        case .fencedInstanceId: return 82
        case .groupSubscribedToTopic: return 86
        case .noCommittedOffset: return -1
        }
    }

    public var description: String {
        switch self {
        case .unknownTopicOrPartition(let tp): return "Unknown topic or partition \(tp)."
        case .offsetMetadataTooLarge: return "The metadata field of the offset request was too large."
        case .coordinatorNotAvailable: return "The coordinator is not available."
        case .illegalGeneration: return "Specified group generation id is not valid."
        case .inconsistentGroupProtocol:
            return "The group member's supported protocols are incompatible with those of existing members."
        case .invalidGroupId: return "The group id is invalid."
        case .unknownMemberId: return "The coordinator is not aware of this member."
        case .invalidSessionTimeout: return "The session timeout is not within the range allowed by the broker."
        case .rebalanceInProgress: return "The group is rebalancing, so a rejoin is needed."
        case .nonEmptyGroup: return "The group is not empty."
        case .groupIdNotFound: return "The group id does not exist."
        case .memberIdRequired(let id): return "The group member needs a member id; rejoin with \(id)."
        case .groupMaxSizeReached: return "The group has reached its maximum size."
        case .fencedInstanceId:
            return "Another consumer with the same group.instance.id has registered with a different member.id."
        case .groupSubscribedToTopic:
            return "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it."
        case .groupNotInactive(let groupId, let state):
            // Word for word what kafka-consumer-groups.sh prints (ConsumerGroupCommand).
            return "Assignments can only be reset if the group '\(groupId)' is inactive, but the current state is \(state.rawValue)."
        case .noCommittedOffset(let tp):
            return "Cannot shift offset for partition \(tp) since there is no current committed offset"
        }
    }
}
