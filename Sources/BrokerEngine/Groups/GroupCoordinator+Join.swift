import Foundation

/// JoinGroup (Kafka's `GroupCoordinator.handleJoinGroup` and its helpers).
extension GroupCoordinator {
    /// A JoinGroup's arguments, kept together while the request is handled.
    struct JoinArguments {
        var groupId: String
        var memberId: String
        var groupInstanceId: String?
        var clientId: String
        var clientHost: String
        var protocolType: String
        var protocols: [MemberProtocol]
        var sessionTimeoutMs: Int32
        var rebalanceTimeoutMs: Int32
        var requireKnownMemberId: Bool
        var supportsSkippingAssignment: Bool
        var reason: String?
    }

    typealias JoinCompletion = GroupMember.JoinCompletion

    /// JoinGroup. An unknown member (empty `memberId`) that sets `requireKnownMemberId`
    /// (JoinGroup v4+, KIP-394) is answered at once with `memberIdRequired` and an id
    /// `<clientId>-<uuid>` to rejoin with. Otherwise the answer comes when the rebalance
    /// completes: every known member rejoined, or the rebalance timeout expired (members
    /// that did not rejoin are dropped). The first rebalance of an empty group waits
    /// `initialRebalanceDelayMs` first. `rebalanceTimeoutMs` is the session timeout for
    /// JoinGroup v0. `supportsSkippingAssignment` is JoinGroup v9+ (KIP-814): it decides
    /// how a static leader that rejoins a Stable group is told not to reassign.
    public func joinGroup(
        groupId: String, memberId: String, groupInstanceId: String? = nil,
        clientId: String, clientHost: String, protocolType: String, protocols: [MemberProtocol],
        sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, requireKnownMemberId: Bool = true,
        supportsSkippingAssignment: Bool = true, reason: String? = nil,
        completion: @escaping @Sendable (Result<JoinGroupResult, GroupError>) -> Void
    ) {
        let arguments = JoinArguments(
            groupId: groupId, memberId: memberId, groupInstanceId: groupInstanceId, clientId: clientId,
            clientHost: clientHost, protocolType: protocolType, protocols: protocols,
            sessionTimeoutMs: sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutMs,
            requireKnownMemberId: requireKnownMemberId, supportsSkippingAssignment: supportsSkippingAssignment,
            reason: reason)
        locked { handleJoin(arguments, completion) }
    }

    /// JoinGroup, awaiting the rebalance (see the completion-handler form).
    public func joinGroup(
        groupId: String, memberId: String, groupInstanceId: String? = nil,
        clientId: String, clientHost: String, protocolType: String, protocols: [MemberProtocol],
        sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, requireKnownMemberId: Bool = true,
        supportsSkippingAssignment: Bool = true, reason: String? = nil
    ) async -> Result<JoinGroupResult, GroupError> {
        await withCheckedContinuation { continuation in
            joinGroup(groupId: groupId, memberId: memberId, groupInstanceId: groupInstanceId,
                      clientId: clientId, clientHost: clientHost, protocolType: protocolType,
                      protocols: protocols, sessionTimeoutMs: sessionTimeoutMs,
                      rebalanceTimeoutMs: rebalanceTimeoutMs, requireKnownMemberId: requireKnownMemberId,
                      supportsSkippingAssignment: supportsSkippingAssignment, reason: reason) { continuation.resume(returning: $0) }
        }
    }

    // MARK: Dispatch

    private func handleJoin(_ request: JoinArguments, _ completion: @escaping JoinCompletion) {
        guard !request.groupId.isEmpty else { return completion(.failure(.invalidGroupId)) }
        guard request.sessionTimeoutMs >= config.minSessionTimeoutMs,
              request.sessionTimeoutMs <= config.maxSessionTimeoutMs else {
            return completion(.failure(.invalidSessionTimeout))
        }
        let isUnknownMember = request.memberId.isEmpty
        let existing = groups[request.groupId]
        // Only a member without an id may create the group.
        guard let group = existing ?? (isUnknownMember ? createGroup(request.groupId) : nil) else {
            return completion(.failure(.unknownMemberId))
        }
        guard acceptsJoiningMember(group, memberId: request.memberId) else {
            return completion(.failure(.groupMaxSizeReached))
        }
        if isUnknownMember {
            joinAsNewMember(group, request, completion)
        } else {
            joinAsCurrentMember(group, request, completion)
        }
        if group.state == .preparingRebalance { tryCompleteJoin(group) }
        // Kafka keeps a group created by a refused join until the next retention check;
        // Wharf drops it at once so that listings show no phantom groups.
        if existing == nil, group.isEmptyOfMembers, group.pendingMembers.isEmpty, group.offsets.isEmpty {
            groups[request.groupId] = nil
        }
    }

    func createGroup(_ groupId: String) -> ClassicGroup {
        let group = ClassicGroup(groupId: groupId, nowMs: nowMs)
        groups[groupId] = group
        return group
    }

    /// `group.max.size` (Kafka's `acceptJoiningMember`): while preparing a rebalance, count
    /// the members that rejoined; otherwise every member.
    private func acceptsJoiningMember(_ group: ClassicGroup, memberId: String) -> Bool {
        switch group.state {
        case .empty, .dead:
            return true
        case .preparingRebalance:
            return (group.member(memberId)?.isAwaitingJoin ?? false) || group.awaitingJoinCount < config.maxGroupSize
        case .completingRebalance, .stable:
            return group.has(memberId) || group.orderedMembers.count < config.maxGroupSize
        }
    }

    // MARK: New members

    private func joinAsNewMember(_ group: ClassicGroup, _ request: JoinArguments, _ completion: @escaping JoinCompletion) {
        guard group.state != .dead else { return completion(.failure(.coordinatorNotAvailable)) }
        guard group.supportsProtocols(protocolType: request.protocolType, protocols: request.protocols) else {
            return completion(.failure(.inconsistentGroupProtocol))
        }
        // GroupMetadata.generateMemberId: the instance id names static members.
        let newMemberId = (request.groupInstanceId ?? request.clientId) + "-" + UUID().uuidString.lowercased()
        if let instanceId = request.groupInstanceId {
            // A static member needs no MEMBER_ID_REQUIRED round: its instance id identifies it.
            if let oldMemberId = group.staticMemberId(instanceId) {
                replaceStaticMember(group, instanceId: instanceId, oldMemberId: oldMemberId,
                                    newMemberId: newMemberId, request, completion)
            } else {
                addMemberAndRebalance(group, memberId: newMemberId, request, completion)
            }
        } else if request.requireKnownMemberId {
            addPendingMember(group, memberId: newMemberId, sessionTimeoutMs: request.sessionTimeoutMs)
            completion(.failure(.memberIdRequired(memberId: newMemberId)))
        } else {
            addMemberAndRebalance(group, memberId: newMemberId, request, completion)
        }
    }

    /// Remembers an id handed out with MEMBER_ID_REQUIRED until the member rejoins with
    /// it or its session timeout passes (Kafka's `addPendingMemberExpiration`).
    private func addPendingMember(_ group: ClassicGroup, memberId: String, sessionTimeoutMs: Int32) {
        let groupId = group.groupId
        let (id, timer) = scheduleTimer(afterMs: Int64(sessionTimeoutMs)) { coordinator, timerId in
            coordinator.expirePendingMember(groupId: groupId, memberId: memberId, timerId: timerId)
        }
        group.pendingMembers[memberId] = (id, timer)
    }

    func addMemberAndRebalance(_ group: ClassicGroup, memberId: String, _ request: JoinArguments,
                               _ completion: @escaping JoinCompletion) {
        let member = GroupMember(
            memberId: memberId, groupInstanceId: request.groupInstanceId, clientId: request.clientId,
            clientHost: request.clientHost, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
            sessionTimeoutMs: request.sessionTimeoutMs, protocolType: request.protocolType,
            protocols: request.protocols)
        member.isNew = true
        member.joinCompletion = completion
        // Only a brand-new group's initial delay is extended by newcomers.
        if group.state == .preparingRebalance && group.generationId == 0 { group.newMemberAdded = true }
        group.add(member)
        // A new member cannot heartbeat before it has its first answer, so it gets the
        // long new-member timeout instead of its session timeout (KIP-394).
        scheduleSessionExpiration(group, member, timeoutMs: config.newMemberJoinTimeoutMs)
        maybePrepareRebalance(group, reason: request.reason ?? "Adding new member \(memberId)")
    }

    // MARK: Static members (KIP-345)

    /// A static member rejoined with a new member id: the old id is fenced, and a Stable
    /// group whose chosen protocol stays the same keeps its assignment without a
    /// rebalance (Kafka's `updateStaticMemberAndRebalance`, with KIP-814's skipAssignment).
    private func replaceStaticMember(_ group: ClassicGroup, instanceId: String, oldMemberId: String,
                                     newMemberId: String, _ request: JoinArguments,
                                     _ completion: @escaping JoinCompletion) {
        guard let oldMember = group.member(oldMemberId) else { return completion(.failure(.unknownMemberId)) }
        let previousLeader = group.leaderId
        // Whoever still waits under the old id is a zombie with the same instance id.
        later(oldMember.takeJoinCompletion(.failure(.fencedInstanceId)))
        later(oldMember.takeSyncCompletion(.failure(.fencedInstanceId)))
        let saved = (protocols: oldMember.protocols, rebalance: oldMember.rebalanceTimeoutMs,
                     session: oldMember.sessionTimeoutMs)
        guard let member = group.replaceStaticMember(instanceId: instanceId, oldMemberId: oldMemberId,
                                                     newMemberId: newMemberId) else { return }
        member.protocols = request.protocols
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
        member.sessionTimeoutMs = request.sessionTimeoutMs
        member.clientId = request.clientId
        member.clientHost = request.clientHost
        scheduleSessionExpiration(group, member)

        switch group.state {
        case .stable:
            guard group.selectProtocol() == group.protocolName else {
                member.joinCompletion = completion
                maybePrepareRebalance(group, reason: "static member \(instanceId) rejoined with other protocols")
                return
            }
            if let error = storeGroup(group) {
                // Undo, so that the old member id stays valid (as Kafka reverts on a failed write).
                _ = group.replaceStaticMember(instanceId: instanceId, oldMemberId: newMemberId, newMemberId: oldMemberId)
                member.protocols = saved.protocols
                member.rebalanceTimeoutMs = saved.rebalance
                member.sessionTimeoutMs = saved.session
                return completion(.failure(error))
            }
            let isLeader = group.isLeader(newMemberId)
            var result = currentGenerationResult(group, for: member, leaderGetsMembers: false)
            if request.supportsSkippingAssignment {
                // v9+: the leader learns it leads (and the members) but must not reassign.
                result.skipAssignment = isLeader
                if isLeader { result.members = group.currentMemberMetadata() }
            } else {
                // Older clients would reassign if they saw themselves as leader, and a
                // Stable group would not pass that assignment on: name the old leader id.
                result.leaderId = previousLeader ?? result.leaderId
            }
            completion(.success(result))
        case .completingRebalance:
            member.joinCompletion = completion
            maybePrepareRebalance(group, reason: "static member \(instanceId) rejoined during CompletingRebalance")
        case .preparingRebalance:
            member.joinCompletion = completion
        case .empty, .dead:
            completion(.failure(.unknownMemberId))
        }
    }

    // MARK: Known members

    private func joinAsCurrentMember(_ group: ClassicGroup, _ request: JoinArguments, _ completion: @escaping JoinCompletion) {
        let memberId = request.memberId
        guard group.state != .dead else { return completion(.failure(.coordinatorNotAvailable)) }
        guard group.supportsProtocols(protocolType: request.protocolType, protocols: request.protocols) else {
            return completion(.failure(.inconsistentGroupProtocol))
        }
        if group.pendingMembers[memberId] != nil {
            // The second JoinGroup of KIP-394: the id we handed out is now a member.
            guard request.groupInstanceId == nil else { return completion(.failure(.unknownMemberId)) }
            return addMemberAndRebalance(group, memberId: memberId, request, completion)
        }
        if let error = validateCurrentMember(group, memberId: memberId, groupInstanceId: request.groupInstanceId) {
            return completion(.failure(error))
        }
        guard let member = group.member(memberId) else { return completion(.failure(.unknownMemberId)) }
        switch group.state {
        case .preparingRebalance:
            updateMemberAndRebalance(group, member, request, completion)
        case .completingRebalance:
            if member.matches(request.protocols) {
                // It probably missed its JoinGroup answer: send the current generation again.
                completion(.success(currentGenerationResult(group, for: member, leaderGetsMembers: group.isLeader(memberId))))
            } else {
                updateMemberAndRebalance(group, member, request, completion)
            }
        case .stable:
            // A leader's JoinGroup forces a rebalance (it may have seen metadata change);
            // a follower with unchanged metadata just gets the current generation.
            if group.isLeader(memberId) || !member.matches(request.protocols) {
                updateMemberAndRebalance(group, member, request, completion)
            } else {
                completion(.success(currentGenerationResult(group, for: member, leaderGetsMembers: false)))
            }
        case .empty, .dead:
            completion(.failure(.unknownMemberId))
        }
    }

    private func updateMemberAndRebalance(_ group: ClassicGroup, _ member: GroupMember, _ request: JoinArguments,
                                          _ completion: @escaping JoinCompletion) {
        // A JoinGroup already waiting for this member is superseded by the new one.
        later(member.takeJoinCompletion(.failure(.rebalanceInProgress)))
        member.protocols = request.protocols
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
        member.sessionTimeoutMs = request.sessionTimeoutMs
        member.joinCompletion = completion
        maybePrepareRebalance(group, reason: request.reason ?? "Updating metadata for member \(member.memberId)")
    }

    func currentGenerationResult(_ group: ClassicGroup, for member: GroupMember, leaderGetsMembers: Bool) -> JoinGroupResult {
        JoinGroupResult(
            memberId: member.memberId, generationId: group.generationId, protocolType: group.protocolType,
            protocolName: group.protocolName, leaderId: group.leaderId ?? "", skipAssignment: false,
            members: leaderGetsMembers ? group.currentMemberMetadata() : [])
    }

    /// Kafka's `validateCurrentMember`: a static member's instance id must map to this
    /// member id (else FENCED_INSTANCE_ID), the member must exist, and the generation and
    /// protocol must match when the request names them.
    func validateCurrentMember(_ group: ClassicGroup, memberId: String, groupInstanceId: String?,
                               generationId: Int32? = nil, protocolType: String? = nil,
                               protocolName: String? = nil) -> GroupError? {
        if let instanceId = groupInstanceId, let owner = group.staticMemberId(instanceId), owner != memberId {
            return .fencedInstanceId
        }
        guard group.has(memberId) else { return .unknownMemberId }
        if let generationId, generationId != group.generationId { return .illegalGeneration }
        if let protocolType, protocolType != group.protocolType { return .inconsistentGroupProtocol }
        if let protocolName, protocolName != group.protocolName { return .inconsistentGroupProtocol }
        return nil
    }
}
