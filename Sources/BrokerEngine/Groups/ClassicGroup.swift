import LogStore

/// One classic group's state (Kafka's `GroupMetadata` / `ClassicGroup`). Not Sendable:
/// only the coordinator touches it, under its lock.
final class ClassicGroup {
    let groupId: String
    private(set) var state: GroupState = .empty
    /// When the group entered `state`; the start of an Empty group's offset retention.
    var stateTimestampMs: Int64?
    var protocolType: String?
    var protocolName: String?
    var generationId: Int32 = 0
    var leaderId: String?

    private(set) var members: [String: GroupMember] = [:]
    /// Join order: the first member is the first leader, and results list members in it.
    private(set) var memberOrder: [String] = []
    /// `group.instance.id` → current member id (KIP-345).
    private(set) var staticMembers: [String: String] = [:]
    /// Ids handed out with MEMBER_ID_REQUIRED and not yet used to join (KIP-394), with
    /// the expiration that forgets them after the session timeout.
    var pendingMembers: [String: (timerId: UInt64, timer: any Cancellable)] = [:]
    /// Members that got their JoinGroup answer but have not sent SyncGroup yet.
    var pendingSyncMembers: Set<String> = []
    var offsets: [TopicPartition: CommittedOffset] = [:]
    /// Topics the members subscribe to, from the consumer protocol metadata; nil when
    /// unknown (not a `consumer` group, or undecodable metadata).
    private(set) var subscribedTopics: Set<String>?

    /// Set when a member joins a brand-new group during the initial delay, which extends
    /// the delay (Kafka's `InitialDelayedJoin`).
    var newMemberAdded = false
    /// Remaining budget of the initial delay; non-nil while the initial delay runs.
    var initialDelayRemainingMs: Int64?
    /// The pending join (rebalance) expiration and its guard id.
    var joinTimer: (any Cancellable)?
    var joinTimerId: UInt64 = 0
    /// The pending sync expiration (Kafka's `DelayedSync`) and its guard id.
    var syncTimer: (any Cancellable)?
    var syncTimerId: UInt64 = 0

    init(groupId: String, nowMs: Int64) {
        self.groupId = groupId
        self.stateTimestampMs = nowMs
    }

    func transition(to newState: GroupState, nowMs: Int64) {
        state = newState
        stateTimestampMs = nowMs
    }

    /// Restores the state a snapshot implies without counting it as a transition.
    func restore(state: GroupState, timestampMs: Int64?) {
        self.state = state
        self.stateTimestampMs = timestampMs
    }

    // MARK: Members

    var isEmptyOfMembers: Bool { members.isEmpty }
    var orderedMembers: [GroupMember] { memberOrder.compactMap { members[$0] } }
    func member(_ id: String) -> GroupMember? { members[id] }
    func has(_ id: String) -> Bool { members[id] != nil }
    func isLeader(_ id: String) -> Bool { leaderId == id }
    func staticMemberId(_ instanceId: String) -> String? { staticMembers[instanceId] }
    var awaitingJoinCount: Int { members.values.filter(\.isAwaitingJoin).count }

    /// Adds a member; the first one sets the protocol type and becomes leader.
    func add(_ member: GroupMember) {
        if members.isEmpty { protocolType = member.protocolType }
        if leaderId == nil { leaderId = member.memberId }
        members[member.memberId] = member
        memberOrder.append(member.memberId)
        if let instanceId = member.groupInstanceId { staticMembers[instanceId] = member.memberId }
        pendingMembers.removeValue(forKey: member.memberId)?.timer.cancel()
    }

    /// Removes a member; leadership passes to the next member in join order.
    func remove(_ memberId: String) {
        guard let member = members.removeValue(forKey: memberId) else { return }
        memberOrder.removeAll { $0 == memberId }
        pendingSyncMembers.remove(memberId)
        member.sessionTimer?.cancel()
        member.sessionTimer = nil
        if let instanceId = member.groupInstanceId, staticMembers[instanceId] == memberId {
            staticMembers[instanceId] = nil
        }
        if leaderId == memberId { leaderId = memberOrder.first }
    }

    /// Gives a static member a new member id (`GroupMetadata.replaceStaticMember`).
    func replaceStaticMember(instanceId: String, oldMemberId: String, newMemberId: String) -> GroupMember? {
        guard let member = members.removeValue(forKey: oldMemberId) else { return nil }
        member.memberId = newMemberId
        members[newMemberId] = member
        memberOrder = memberOrder.map { $0 == oldMemberId ? newMemberId : $0 }
        if pendingSyncMembers.remove(oldMemberId) != nil { pendingSyncMembers.insert(newMemberId) }
        if leaderId == oldMemberId { leaderId = newMemberId }
        staticMembers[instanceId] = newMemberId
        return member
    }

    /// Every member has rejoined and no MEMBER_ID_REQUIRED id is outstanding.
    var hasAllMembersJoined: Bool {
        members.values.allSatisfy(\.isAwaitingJoin) && pendingMembers.isEmpty
    }

    /// The longest rebalance timeout among members bounds a rebalance.
    var rebalanceTimeoutMs: Int64 {
        Int64(members.values.map(\.rebalanceTimeoutMs).max() ?? 0)
    }

    // MARK: Protocols

    /// Protocols every member supports.
    var candidateProtocols: Set<String> {
        var counts: [String: Int] = [:]
        for member in members.values {
            for name in Set(member.protocols.map(\.name)) { counts[name, default: 0] += 1 }
        }
        return Set(counts.filter { $0.value == members.count }.keys)
    }

    /// Whether a joining member fits (`GroupMetadata.supportsProtocols`): an empty group
    /// takes any non-empty protocol type and list; otherwise the type must match and one
    /// of the member's protocols must be supported by every current member.
    func supportsProtocols(protocolType: String, protocols: [MemberProtocol]) -> Bool {
        if state == .empty || members.isEmpty {
            return !protocolType.isEmpty && !protocols.isEmpty
        }
        guard self.protocolType == protocolType else { return false }
        let candidates = candidateProtocols
        return protocols.contains { candidates.contains($0.name) }
    }

    /// Each member votes for its most preferred candidate; most votes wins
    /// (`GroupMetadata.selectProtocol`). Kafka breaks ties arbitrarily; Wharf takes the
    /// leader's (else the first member's) preference order, so the choice is reproducible.
    func selectProtocol() -> String? {
        let candidates = candidateProtocols
        guard !candidates.isEmpty else { return nil }
        var votes: [String: Int] = [:]
        for member in members.values {
            if let vote = member.vote(among: candidates) { votes[vote, default: 0] += 1 }
        }
        let best = votes.values.max() ?? 0
        let preferenceOwner = leaderId.flatMap { members[$0] } ?? orderedMembers.first
        let order = (preferenceOwner?.protocols.map(\.name) ?? []) + candidates.sorted()
        return order.first { votes[$0] == best }
    }

    /// The leader's JoinGroup member list for the chosen protocol.
    func currentMemberMetadata() -> [JoinedMember] {
        guard let protocolName else { return [] }
        return orderedMembers.map {
            JoinedMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata(for: protocolName))
        }
    }

    /// Recomputes `subscribedTopics` (`GroupMetadata.computeSubscribedTopics`): known only
    /// for `consumer` groups whose every member's metadata decodes.
    func computeSubscribedTopics() {
        guard protocolType == "consumer", let protocolName else {
            subscribedTopics = nil
            return
        }
        var topics = Set<String>()
        for member in members.values {
            guard let subscription = ConsumerProtocolSubscription(decoding: member.metadata(for: protocolName)) else {
                subscribedTopics = nil
                return
            }
            topics.formUnion(subscription.topics)
        }
        subscribedTopics = topics
    }

    /// Unknown subscriptions count as subscribed, to be safe (Kafka's `isSubscribedToTopic`).
    func isSubscribed(to topic: String) -> Bool {
        subscribedTopics?.contains(topic) ?? true
    }

    // MARK: Persistence

    func snapshot() -> GroupSnapshot {
        GroupSnapshot(
            groupId: groupId, protocolType: protocolType, generationId: generationId,
            protocolName: protocolName, leaderId: leaderId, currentStateTimestampMs: stateTimestampMs,
            members: orderedMembers.map { member in
                MemberSnapshot(
                    memberId: member.memberId, groupInstanceId: member.groupInstanceId,
                    clientId: member.clientId, clientHost: member.clientHost,
                    rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs,
                    subscription: protocolName.map { member.metadata(for: $0) } ?? [],
                    assignment: member.assignment)
            })
    }
}
