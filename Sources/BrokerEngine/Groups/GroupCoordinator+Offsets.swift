import LogStore

/// Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete and retention (Kafka's
/// `handleCommitOffsets`, `handleFetchOffsets`, `handleDeleteOffsets` and
/// `GroupMetadata.removeExpiredOffsets`, KIP-211 and KIP-496).
extension GroupCoordinator {
    /// OffsetCommit. A member of a group commits with its member id and current
    /// generation. Generation -1 with an empty member id (and no instance id) is a simple
    /// commit (standalone consumer, admin tool): allowed only while the group is Empty or
    /// does not exist, in which case it creates an Empty group. Commits are refused with
    /// REBALANCE_IN_PROGRESS while the group completes a rebalance, but accepted while it
    /// prepares one (the heartbeat tells the member to rejoin).
    public func commitOffsets(groupId: String, generationId: Int32 = -1, memberId: String = "",
                              groupInstanceId: String? = nil,
                              offsets: [TopicPartition: OffsetCommit]) -> Result<OffsetCommitResult, GroupError> {
        locked {
            let existing = groups[groupId]
            if existing == nil && generationId >= 0 {
                // Not a simple commit, and no group to be a member of: an old generation.
                return .failure(.illegalGeneration)
            }
            let group = existing ?? ClassicGroup(groupId: groupId, nowMs: nowMs)
            if let error = validateOffsetCommit(group, generationId: generationId, memberId: memberId,
                                                groupInstanceId: groupInstanceId) {
                return .failure(error)
            }
            switch group.state {
            case .empty:
                break
            case .stable, .preparingRebalance:
                if let member = group.member(memberId) { scheduleSessionExpiration(group, member) }
            case .completingRebalance:
                return .failure(.rebalanceInProgress)
            case .dead:
                return .failure(.coordinatorNotAvailable)
            }
            let result = storeOffsets(group, offsets)
            // A simple commit creates the group only once its offsets are stored.
            if existing == nil, case .success = result { groups[groupId] = group }
            return result
        }
    }

    /// Kafka's `ClassicGroup.validateOffsetCommit` for non-transactional commits.
    private func validateOffsetCommit(_ group: ClassicGroup, generationId: Int32, memberId: String,
                                      groupInstanceId: String?) -> GroupError? {
        if group.state == .dead { return .coordinatorNotAvailable }
        // Generation -1 into an Empty group is an admin or standalone commit, whatever
        // member id it carries.
        if generationId < 0 && group.state == .empty { return nil }
        if generationId >= 0 || !memberId.isEmpty || groupInstanceId != nil {
            return validateCurrentMember(group, memberId: memberId, groupInstanceId: groupInstanceId,
                                         generationId: generationId)
        }
        // A simple commit into a group with members would race their commits.
        return group.state == .empty ? nil : .unknownMemberId
    }

    private func storeOffsets(_ group: ClassicGroup,
                              _ offsets: [TopicPartition: OffsetCommit]) -> Result<OffsetCommitResult, GroupError> {
        let now = nowMs
        var refused: [TopicPartition: GroupError] = [:]
        var accepted: [TopicPartition: CommittedOffset] = [:]
        for (partition, commit) in offsets {
            if commit.metadata.utf8.count > config.offsetMetadataMaxBytes {
                refused[partition] = .offsetMetadataTooLarge
            } else {
                accepted[partition] = CommittedOffset(offset: commit.offset, leaderEpoch: commit.leaderEpoch,
                                                      metadata: commit.metadata, commitTimestampMs: now)
            }
        }
        if !accepted.isEmpty {
            do {
                try store.storeOffsets(groupId: group.groupId, offsets: accepted)
            } catch {
                logger.error("storing offsets of group \(group.groupId) failed: \(error)")
                return .failure(.coordinatorNotAvailable)
            }
            group.offsets.merge(accepted) { _, new in new }
        }
        return .success(OffsetCommitResult(partitionErrors: refused))
    }

    /// OffsetFetch: the named partitions (offset -1 where nothing is committed), or every
    /// committed partition when `partitions` is nil. An unknown group has no offsets.
    public func fetchOffsets(groupId: String, partitions: [TopicPartition]? = nil) -> [FetchedOffset] {
        locked {
            let offsets = groups[groupId].map { $0.state == .dead ? [:] : $0.offsets } ?? [:]
            let wanted = partitions ?? offsets.keys.sorted()
            return wanted.map { partition in
                guard let committed = offsets[partition] else {
                    return FetchedOffset(topicPartition: partition, offset: -1, leaderEpoch: nil, metadata: "")
                }
                return FetchedOffset(topicPartition: partition, offset: committed.offset,
                                     leaderEpoch: committed.leaderEpoch, metadata: committed.metadata)
            }
        }
    }

    /// OffsetDelete (KIP-496). An Empty group loses any named offsets; a `consumer` group
    /// with members keeps those of topics its members subscribe to
    /// (GROUP_SUBSCRIBED_TO_TOPIC per partition); other groups with members are refused
    /// with NON_EMPTY_GROUP, unknown ones with GROUP_ID_NOT_FOUND.
    public func deleteOffsets(groupId: String, partitions: [TopicPartition]) -> Result<OffsetDeleteResult, GroupError> {
        locked {
            guard let group = groups[groupId], group.state != .dead else { return .failure(.groupIdNotFound) }
            var eligible = partitions
            var refused: [TopicPartition: GroupError] = [:]
            switch group.state {
            case .empty:
                break
            case .preparingRebalance, .completingRebalance, .stable:
                guard group.protocolType == "consumer" else { return .failure(.nonEmptyGroup) }
                eligible = partitions.filter { !group.isSubscribed(to: $0.topic) }
                for partition in partitions where group.isSubscribed(to: partition.topic) {
                    refused[partition] = .groupSubscribedToTopic
                }
            case .dead:
                return .failure(.groupIdNotFound)
            }
            let present = eligible.filter { group.offsets[$0] != nil }
            if !present.isEmpty {
                do {
                    try store.removeOffsets(groupId: groupId, partitions: present)
                } catch {
                    logger.error("deleting offsets of group \(groupId) failed: \(error)")
                    return .failure(.coordinatorNotAvailable)
                }
                for partition in present { group.offsets[partition] = nil }
            }
            return .success(OffsetDeleteResult(partitionErrors: refused))
        }
    }

    /// Runs offset retention now (it also runs every `offsetsRetentionCheckIntervalMs`);
    /// returns how many offsets expired.
    @discardableResult
    public func expireOffsets() -> Int {
        locked { removeExpiredOffsets() }
    }

    /// Kafka's `cleanupGroupMetadata`: expire offsets, then drop Empty groups with none
    /// left. Lock held.
    @discardableResult
    func removeExpiredOffsets() -> Int {
        let now = nowMs
        var expiredCount = 0
        for group in groups.values.sorted(by: { $0.groupId < $1.groupId }) {
            let expired = expiredOffsets(group, nowMs: now)
            if !expired.isEmpty {
                do {
                    try store.removeOffsets(groupId: group.groupId, partitions: expired)
                } catch {
                    logger.error("expiring offsets of group \(group.groupId) failed: \(error)")
                    continue
                }
                for partition in expired { group.offsets[partition] = nil }
                expiredCount += expired.count
                logger.info("removed \(expired.count) expired offsets of group \(group.groupId)")
            }
            if group.state == .empty && group.offsets.isEmpty && group.pendingMembers.isEmpty {
                do {
                    try store.removeGroup(groupId: group.groupId)
                } catch {
                    logger.error("removing empty group \(group.groupId) failed: \(error)")
                    continue
                }
                removeDeadGroup(group)
            }
        }
        return expiredCount
    }

    /// Which offsets have outlived `offsets.retention.ms` (KIP-211):
    /// - an Empty group that had members: all of them, once retention has passed since
    ///   the group became Empty;
    /// - a simple group (no protocol type): each one, retention after its commit;
    /// - a Stable `consumer` group with known subscriptions: offsets of topics nobody
    ///   subscribes to any more, retention after their commit;
    /// - otherwise none.
    private func expiredOffsets(_ group: ClassicGroup, nowMs now: Int64) -> [TopicPartition] {
        let retention = config.offsetsRetentionMs
        let candidates: [(TopicPartition, Int64)]
        if group.protocolType == nil {
            candidates = group.offsets.map { ($0.key, $0.value.commitTimestampMs) }
        } else if group.state == .empty {
            candidates = group.offsets.map { ($0.key, group.stateTimestampMs ?? $0.value.commitTimestampMs) }
        } else if group.state == .stable, group.protocolType == "consumer" {
            candidates = group.offsets
                .filter { !group.isSubscribed(to: $0.key.topic) }
                .map { ($0.key, $0.value.commitTimestampMs) }
        } else {
            candidates = []
        }
        return candidates.filter { now - $0.1 >= retention }.map(\.0).sorted()
    }
}
