/// The rebalance state machine: PreparingRebalance → CompletingRebalance → Stable, the
/// initial delay, the join and sync deadlines, and session expiry. Kafka's
/// `prepareRebalance`, `InitialDelayedJoin`, `DelayedJoin`, `onCompleteJoin`,
/// `DelayedSync` and `DelayedHeartbeat`. Every method here runs with the lock held.
extension GroupCoordinator {
    /// Starts a rebalance when the state allows one (from Empty, Stable or CompletingRebalance).
    func maybePrepareRebalance(_ group: ClassicGroup, reason: String) {
        switch group.state {
        case .empty, .stable, .completingRebalance:
            prepareRebalance(group, reason: reason)
        case .preparingRebalance, .dead:
            break
        }
    }

    func prepareRebalance(_ group: ClassicGroup, reason: String) {
        // Members waiting for an assignment of the old generation must rejoin.
        if group.state == .completingRebalance {
            propagateAssignment(group, .failure(.rebalanceInProgress))
        }
        cancelPendingSync(group)
        let wasEmpty = group.state == .empty
        group.transition(to: .preparingRebalance, nowMs: nowMs)
        group.joinTimer?.cancel()
        logger.info("preparing to rebalance group \(group.groupId) in generation \(group.generationId): \(reason)")
        if wasEmpty {
            // InitialDelayedJoin: wait for more members before the first generation, at
            // most the rebalance timeout in all.
            let delay = config.initialRebalanceDelayMs
            group.initialDelayRemainingMs = max(group.rebalanceTimeoutMs - delay, 0)
            scheduleJoinTimer(group, afterMs: delay)
        } else {
            group.initialDelayRemainingMs = nil
            scheduleJoinTimer(group, afterMs: group.rebalanceTimeoutMs)
            tryCompleteJoin(group)
        }
    }

    private func scheduleJoinTimer(_ group: ClassicGroup, afterMs delayMs: Int64) {
        let groupId = group.groupId
        let (id, timer) = scheduleTimer(afterMs: delayMs) { coordinator, timerId in
            coordinator.joinTimerFired(groupId: groupId, timerId: timerId)
        }
        group.joinTimerId = id
        group.joinTimer = timer
    }

    /// Completes the join phase early once every member rejoined (DelayedJoin.tryComplete);
    /// the initial delay always runs its course.
    func tryCompleteJoin(_ group: ClassicGroup) {
        guard group.state == .preparingRebalance, group.initialDelayRemainingMs == nil,
              group.hasAllMembersJoined else { return }
        completeJoin(group)
    }

    private func joinTimerFired(groupId: String, timerId: UInt64) {
        guard let group = groups[groupId], group.joinTimerId == timerId,
              group.state == .preparingRebalance else { return }
        if let remaining = group.initialDelayRemainingMs, group.newMemberAdded, remaining > 0 {
            // Someone new arrived during the delay: wait another delay (within budget).
            group.newMemberAdded = false
            let delay = min(config.initialRebalanceDelayMs, remaining)
            group.initialDelayRemainingMs = max(remaining - delay, 0)
            scheduleJoinTimer(group, afterMs: delay)
            return
        }
        completeJoin(group)
    }

    /// Ends the join phase (Kafka's `onCompleteJoin`): drops dynamic members that did not
    /// rejoin, elects a leader among those that did, starts the next generation and
    /// answers every waiting JoinGroup; the leader's answer carries the members' metadata.
    private func completeJoin(_ group: ClassicGroup) {
        group.joinTimer?.cancel()
        group.joinTimer = nil
        group.initialDelayRemainingMs = nil
        group.newMemberAdded = false
        // Static members are kept: their instance id may rejoin later (KIP-345).
        for member in group.orderedMembers where !member.isAwaitingJoin && !member.isStatic {
            logger.info("member \(member.memberId) of group \(group.groupId) did not rejoin; removing it")
            later(member.takeSyncCompletion(.failure(.unknownMemberId)))
            group.remove(member.memberId)
        }
        if !electJoinedLeader(group) && !group.isEmptyOfMembers {
            // Only static members that have not rejoined remain: wait another round.
            scheduleJoinTimer(group, afterMs: group.rebalanceTimeoutMs)
            return
        }
        group.generationId += 1
        if group.isEmptyOfMembers {
            group.protocolName = nil
            group.computeSubscribedTopics()
            group.transition(to: .empty, nowMs: nowMs)
            logger.info("group \(group.groupId) with generation \(group.generationId) is now empty")
            storeGroup(group)
            return
        }
        group.protocolName = group.selectProtocol()
        group.computeSubscribedTopics()
        group.transition(to: .completingRebalance, nowMs: nowMs)
        logger.info("stabilized group \(group.groupId) generation \(group.generationId) with \(group.orderedMembers.count) members")
        for member in group.orderedMembers {
            let result = currentGenerationResult(group, for: member, leaderGetsMembers: group.isLeader(member.memberId))
            later(member.takeJoinCompletion(.success(result)))
            member.isNew = false
            scheduleSessionExpiration(group, member)
        }
        schedulePendingSync(group)
    }

    /// Keeps the leader if it rejoined, else the first member that did
    /// (`maybeElectNewJoinedLeader`); false when nobody rejoined.
    private func electJoinedLeader(_ group: ClassicGroup) -> Bool {
        if let leaderId = group.leaderId, group.member(leaderId)?.isAwaitingJoin == true { return true }
        guard let joined = group.orderedMembers.first(where: \.isAwaitingJoin) else { return false }
        group.leaderId = joined.memberId
        return true
    }

    // MARK: Sync phase

    /// Members that got their JoinGroup answer must send SyncGroup within the rebalance
    /// timeout, or they are removed and the group rebalances (Kafka's `DelayedSync`).
    private func schedulePendingSync(_ group: ClassicGroup) {
        group.pendingSyncMembers = Set(group.orderedMembers.map(\.memberId))
        group.syncTimer?.cancel()
        let groupId = group.groupId
        let generation = group.generationId
        let (id, timer) = scheduleTimer(afterMs: group.rebalanceTimeoutMs) { coordinator, timerId in
            coordinator.syncTimerFired(groupId: groupId, generation: generation, timerId: timerId)
        }
        group.syncTimerId = id
        group.syncTimer = timer
    }

    func cancelPendingSync(_ group: ClassicGroup) {
        group.pendingSyncMembers.removeAll()
        group.syncTimer?.cancel()
        group.syncTimer = nil
    }

    private func syncTimerFired(groupId: String, generation: Int32, timerId: UInt64) {
        guard let group = groups[groupId], group.syncTimerId == timerId, group.generationId == generation,
              group.state == .completingRebalance || group.state == .stable,
              !group.pendingSyncMembers.isEmpty else { return }
        for memberId in group.pendingSyncMembers.sorted() {
            logger.info("member \(memberId) of group \(groupId) sent no SyncGroup in time; removing it")
            if let member = group.member(memberId) {
                later(member.takeJoinCompletion(.failure(.unknownMemberId)))
                later(member.takeSyncCompletion(.failure(.unknownMemberId)))
            }
            group.remove(memberId)
        }
        cancelPendingSync(group)
        prepareRebalance(group, reason: "members failed to sync within the rebalance timeout")
    }

    /// Answers every waiting SyncGroup (the assignment, or an error) and restarts each
    /// member's session clock, as Kafka's `propagateAssignment` does: a session that ran
    /// out while the member waited for the leader is not held against it.
    func propagateAssignment(_ group: ClassicGroup, _ outcome: Result<[String: [UInt8]], GroupError>) {
        for member in group.orderedMembers {
            let answer: Result<SyncGroupResult, GroupError>
            switch outcome {
            case .success(let assignments):
                member.assignment = assignments[member.memberId] ?? []
                answer = .success(SyncGroupResult(protocolType: group.protocolType, protocolName: group.protocolName,
                                                  assignment: member.assignment))
            case .failure(let error):
                member.assignment = []
                answer = .failure(error)
            }
            if member.isAwaitingSync {
                later(member.takeSyncCompletion(answer))
                scheduleSessionExpiration(group, member)
            }
        }
    }

    // MARK: Sessions

    /// (Re)starts a member's session clock: a heartbeat, commit or sync resets it.
    func scheduleSessionExpiration(_ group: ClassicGroup, _ member: GroupMember, timeoutMs: Int64? = nil) {
        member.sessionTimer?.cancel()
        let groupId = group.groupId
        let memberId = member.memberId
        let (id, timer) = scheduleTimer(afterMs: timeoutMs ?? Int64(member.sessionTimeoutMs)) { coordinator, timerId in
            coordinator.sessionExpired(groupId: groupId, memberId: memberId, timerId: timerId)
        }
        member.sessionTimerId = id
        member.sessionTimer = timer
    }

    /// Kafka's `onExpireHeartbeat` with `MemberMetadata.shouldKeepAlive`: a member waiting
    /// in JoinGroup (unless new) or SyncGroup cannot heartbeat, so it is kept.
    private func sessionExpired(groupId: String, memberId: String, timerId: UInt64) {
        guard let group = groups[groupId], let member = group.member(memberId),
              member.sessionTimerId == timerId else { return }
        if (member.isAwaitingJoin && !member.isNew) || member.isAwaitingSync {
            scheduleSessionExpiration(group, member)
            return
        }
        logger.info("member \(memberId) in group \(groupId) has failed (session timeout); removing it")
        removeMemberAndUpdateGroup(group, member)
    }

    /// Removes a member and moves the group on: a rebalance from Stable or
    /// CompletingRebalance, or the completion check while preparing one.
    func removeMemberAndUpdateGroup(_ group: ClassicGroup, _ member: GroupMember) {
        // A new member may still wait in JoinGroup: tell it to rejoin from scratch.
        later(member.takeJoinCompletion(.failure(.unknownMemberId)))
        later(member.takeSyncCompletion(.failure(.unknownMemberId)))
        group.remove(member.memberId)
        switch group.state {
        case .stable, .completingRebalance:
            maybePrepareRebalance(group, reason: "removing member \(member.memberId)")
        case .preparingRebalance:
            tryCompleteJoin(group)
        case .empty, .dead:
            break
        }
    }

    func expirePendingMember(groupId: String, memberId: String, timerId: UInt64) {
        guard let group = groups[groupId], group.pendingMembers[memberId]?.timerId == timerId else { return }
        removePendingMember(group, memberId: memberId)
    }

    func removePendingMember(_ group: ClassicGroup, memberId: String) {
        group.pendingMembers.removeValue(forKey: memberId)?.timer.cancel()
        if group.state == .preparingRebalance { tryCompleteJoin(group) }
    }
}
