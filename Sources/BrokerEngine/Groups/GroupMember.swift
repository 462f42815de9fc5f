/// A member of a classic group (Kafka's `MemberMetadata`). Mutable, not Sendable: only
/// touched under the coordinator's lock.
final class GroupMember {
    typealias JoinCompletion = @Sendable (Result<JoinGroupResult, GroupError>) -> Void
    typealias SyncCompletion = @Sendable (Result<SyncGroupResult, GroupError>) -> Void

    /// Changes when a static member is replaced (KIP-345).
    var memberId: String
    let groupInstanceId: String?
    var clientId: String
    var clientHost: String
    var rebalanceTimeoutMs: Int32
    var sessionTimeoutMs: Int32
    var protocolType: String
    /// In the member's order of preference, which is how it votes.
    var protocols: [MemberProtocol]
    var assignment: [UInt8] = []

    /// Set while a JoinGroup waits for the rebalance (Kafka's `awaitingJoinCallback`).
    var joinCompletion: JoinCompletion?
    /// Set while a follower's SyncGroup waits for the leader's assignment.
    var syncCompletion: SyncCompletion?
    /// Joined but not yet through a completed rebalance; such a member expires after
    /// `newMemberJoinTimeoutMs` rather than its session timeout (KIP-394).
    var isNew = false
    /// The session (heartbeat) expiration; `sessionTimerId` guards against stale firings.
    var sessionTimer: (any Cancellable)?
    var sessionTimerId: UInt64 = 0

    init(memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
         rebalanceTimeoutMs: Int32, sessionTimeoutMs: Int32, protocolType: String, protocols: [MemberProtocol]) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
    }

    var isAwaitingJoin: Bool { joinCompletion != nil }
    var isAwaitingSync: Bool { syncCompletion != nil }
    var isStatic: Bool { groupInstanceId != nil }

    /// This member's metadata for `protocolName` (empty if it does not support it).
    func metadata(for protocolName: String) -> [UInt8] {
        protocols.first { $0.name == protocolName }?.metadata ?? []
    }

    /// Same protocols with the same metadata, in the same order (`MemberMetadata.matches`).
    func matches(_ other: [MemberProtocol]) -> Bool { protocols == other }

    /// The first of this member's protocols that every member supports (`MemberMetadata.vote`).
    func vote(among candidates: Set<String>) -> String? {
        protocols.first { candidates.contains($0.name) }?.name
    }

    /// Hands the waiting JoinGroup its answer, if one waits; returns the deferred call.
    func takeJoinCompletion(_ result: Result<JoinGroupResult, GroupError>) -> (@Sendable () -> Void)? {
        guard let completion = joinCompletion else { return nil }
        joinCompletion = nil
        return { completion(result) }
    }

    func takeSyncCompletion(_ result: Result<SyncGroupResult, GroupError>) -> (@Sendable () -> Void)? {
        guard let completion = syncCompletion else { return nil }
        syncCompletion = nil
        return { completion(result) }
    }
}
