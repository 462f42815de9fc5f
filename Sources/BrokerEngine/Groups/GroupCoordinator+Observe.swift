import LogStore

/// A group as an observer sees it: a plain copy taken under the coordinator's lock, so the
/// lock is held only for the copy and all decoding (subscriptions, assignments) and lag
/// arithmetic happen after it is released.
struct ObservedGroup: Sendable {
    struct Member: Sendable {
        var memberId: String
        var groupInstanceId: String?
        var clientId: String
        var clientHost: String
        /// The member's metadata for the group's protocol (empty before one is chosen).
        var metadata: [UInt8]
        /// The leader's assignment from the last SyncGroup (empty before it).
        var assignment: [UInt8]
    }

    var groupId: String
    var state: GroupState
    var protocolType: String?
    var protocolName: String?
    var generationId: Int32
    var leaderId: String?
    /// In join order.
    var members: [Member]
    var offsets: [TopicPartition: CommittedOffset]

    /// Topics the members' consumer subscriptions name (undecodable ones name none): with
    /// the committed topics, the topics lag is reported for.
    var subscribedTopics: Set<String> {
        guard protocolName != nil else { return [] }
        return Set(members.flatMap { ConsumerProtocolSubscription(decoding: $0.metadata)?.topics ?? [] })
    }

    /// The topics whose partitions' high watermarks the group's lag needs.
    var lagTopics: Set<String> { Set(offsets.keys.map(\.topic)).union(subscribedTopics) }

    func lag(highWatermarks: [TopicPartition: Int64]) -> GroupLag {
        GroupLag(groupId: groupId, offsets: offsets, subscribedTopics: subscribedTopics, highWatermarks: highWatermarks)
    }
}

extension GroupCoordinator {
    /// Every live group (Dead ones are on their way out), sorted by id.
    func observeGroups() -> [ObservedGroup] {
        locked {
            groups.values.filter { $0.state != .dead }.sorted { $0.groupId < $1.groupId }.map(Self.observe)
        }
    }

    /// One group, or nil when it is unknown or Dead.
    func observeGroup(_ groupId: String) -> ObservedGroup? {
        locked { groups[groupId].flatMap { $0.state == .dead ? nil : Self.observe($0) } }
    }

    /// Lock held. Copies only: arrays and dictionaries of values, shared until written.
    private static func observe(_ group: ClassicGroup) -> ObservedGroup {
        let protocolName = group.protocolName
        return ObservedGroup(
            groupId: group.groupId, state: group.state, protocolType: group.protocolType, protocolName: protocolName,
            generationId: group.generationId, leaderId: group.leaderId,
            members: group.orderedMembers.map { member in
                ObservedGroup.Member(
                    memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                    clientHost: member.clientHost, metadata: protocolName.map { member.metadata(for: $0) } ?? [],
                    assignment: member.assignment)
            },
            offsets: group.offsets)
    }
}
