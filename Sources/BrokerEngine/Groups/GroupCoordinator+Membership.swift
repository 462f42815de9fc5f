/// SyncGroup, Heartbeat and LeaveGroup (Kafka's `handleSyncGroup`, `handleHeartbeat`,
/// `handleLeaveGroup`).
extension GroupCoordinator {
    typealias SyncCompletion = GroupMember.SyncCompletion

    /// SyncGroup. The leader's `assignments` (member id → assignment bytes) complete every
    /// member's waiting SyncGroup and make the group Stable; members the leader left out
    /// get an empty assignment. Followers that sync first wait for the leader. In a Stable
    /// group the current assignment comes back at once. `protocolType`/`protocolName`
    /// (SyncGroup v5+) are checked when given.
    public func syncGroup(
        groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil,
        protocolType: String? = nil, protocolName: String? = nil, assignments: [String: [UInt8]] = [:],
        completion: @escaping @Sendable (Result<SyncGroupResult, GroupError>) -> Void
    ) {
        locked {
            handleSync(groupId: groupId, generationId: generationId, memberId: memberId,
                       groupInstanceId: groupInstanceId, protocolType: protocolType,
                       protocolName: protocolName, assignments: assignments, completion)
        }
    }

    /// SyncGroup, awaiting the leader's assignment (see the completion-handler form).
    public func syncGroup(
        groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil,
        protocolType: String? = nil, protocolName: String? = nil, assignments: [String: [UInt8]] = [:]
    ) async -> Result<SyncGroupResult, GroupError> {
        await withCheckedContinuation { continuation in
            syncGroup(groupId: groupId, generationId: generationId, memberId: memberId,
                      groupInstanceId: groupInstanceId, protocolType: protocolType,
                      protocolName: protocolName, assignments: assignments) { continuation.resume(returning: $0) }
        }
    }

    private func handleSync(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String?,
                            protocolType: String?, protocolName: String?, assignments: [String: [UInt8]],
                            _ completion: @escaping SyncCompletion) {
        guard !groupId.isEmpty else { return completion(.failure(.invalidGroupId)) }
        guard let group = groups[groupId] else { return completion(.failure(.unknownMemberId)) }
        guard group.state != .dead else { return completion(.failure(.coordinatorNotAvailable)) }
        if let error = validateCurrentMember(group, memberId: memberId, groupInstanceId: groupInstanceId,
                                             generationId: generationId, protocolType: protocolType,
                                             protocolName: protocolName) {
            return completion(.failure(error))
        }
        guard let member = group.member(memberId) else { return completion(.failure(.unknownMemberId)) }
        switch group.state {
        case .empty:
            completion(.failure(.unknownMemberId))
        case .preparingRebalance:
            completion(.failure(.rebalanceInProgress))
        case .completingRebalance:
            // A repeated SyncGroup replaces the waiting one.
            later(member.takeSyncCompletion(.failure(.rebalanceInProgress)))
            member.syncCompletion = completion
            group.pendingSyncMembers.remove(memberId)
            if group.isLeader(memberId) { completeLeaderSync(group, assignments: assignments) }
        case .stable:
            group.pendingSyncMembers.remove(memberId)
            completion(.success(SyncGroupResult(protocolType: group.protocolType, protocolName: group.protocolName,
                                                assignment: member.assignment)))
            scheduleSessionExpiration(group, member)
        case .dead:
            completion(.failure(.coordinatorNotAvailable))
        }
    }

    /// The leader's assignment: persist the group, then hand every member its part.
    private func completeLeaderSync(_ group: ClassicGroup, assignments: [String: [UInt8]]) {
        var complete: [String: [UInt8]] = [:]
        for member in group.orderedMembers { complete[member.memberId] = assignments[member.memberId] ?? [] }
        let missing = group.orderedMembers.filter { assignments[$0.memberId] == nil }.count
        if missing > 0 {
            logger.warning("leader of group \(group.groupId) assigned nothing to \(missing) members; they get empty assignments")
        }
        let previous = group.orderedMembers.map { ($0, $0.assignment) }
        for member in group.orderedMembers { member.assignment = complete[member.memberId] ?? [] }
        if let error = storeGroup(group) {
            for (member, assignment) in previous { member.assignment = assignment }
            propagateAssignment(group, .failure(error))
            maybePrepareRebalance(group, reason: "storing the assignment of group \(group.groupId) failed")
            return
        }
        propagateAssignment(group, .success(complete))
        group.transition(to: .stable, nowMs: nowMs)
    }

    /// Heartbeat: resets the member's session clock; answers REBALANCE_IN_PROGRESS while
    /// the group prepares a rebalance, so the member knows to rejoin.
    public func heartbeat(groupId: String, memberId: String, groupInstanceId: String? = nil,
                          generationId: Int32) -> Result<Void, GroupError> {
        locked {
            guard !groupId.isEmpty else { return .failure(.invalidGroupId) }
            guard let group = groups[groupId] else { return .failure(.unknownMemberId) }
            guard group.state != .dead else { return .failure(.coordinatorNotAvailable) }
            if let error = validateCurrentMember(group, memberId: memberId, groupInstanceId: groupInstanceId,
                                                 generationId: generationId) {
                return .failure(error)
            }
            guard let member = group.member(memberId) else { return .failure(.unknownMemberId) }
            switch group.state {
            case .empty, .dead:
                return .failure(.unknownMemberId)
            case .completingRebalance, .stable:
                scheduleSessionExpiration(group, member)
                return .success(())
            case .preparingRebalance:
                scheduleSessionExpiration(group, member)
                return .failure(.rebalanceInProgress)
            }
        }
    }

    /// LeaveGroup (v3+ batch). A member named by instance id alone (empty member id) is
    /// removed administratively (KIP-345); each member gets its own error. Every
    /// departure from a Stable group starts a rebalance.
    public func leaveGroup(groupId: String, members leaving: [LeavingMember]) -> Result<[LeaveResult], GroupError> {
        locked {
            guard !groupId.isEmpty else { return .failure(.invalidGroupId) }
            guard let group = groups[groupId] else {
                return .success(leaving.map { LeaveResult(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId,
                                                          error: .unknownMemberId) })
            }
            guard group.state != .dead else { return .failure(.coordinatorNotAvailable) }
            return .success(leaving.map { leaving in
                LeaveResult(memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId,
                            error: leave(group, leaving))
            })
        }
    }

    private func leave(_ group: ClassicGroup, _ leaving: LeavingMember) -> GroupError? {
        if leaving.memberId.isEmpty {
            guard let instanceId = leaving.groupInstanceId, let memberId = group.staticMemberId(instanceId),
                  let member = group.member(memberId) else { return .unknownMemberId }
            removeMemberAndUpdateGroup(group, member)
            return nil
        }
        if group.pendingMembers[leaving.memberId] != nil {
            removePendingMember(group, memberId: leaving.memberId)
            return nil
        }
        if let error = validateCurrentMember(group, memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId) {
            return error
        }
        guard let member = group.member(leaving.memberId) else { return .unknownMemberId }
        logger.info("member \(member.memberId) left group \(group.groupId)")
        removeMemberAndUpdateGroup(group, member)
        return nil
    }
}
