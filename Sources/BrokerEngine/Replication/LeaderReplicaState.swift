/// What a partition's leader knows about its followers, and the decisions that follow from
/// it: the high watermark, whether `acks=all` is satisfied, and which ISR changes to ask the
/// controller for (Kafka's `Partition` leader side with its `Replica` states).
///
/// A value type with no I/O and no clock of its own: the replica manager feeds it follower
/// fetches, the leader's log end offset and the time, and sends the ISR proposals it makes
/// to the controller (`AlterPartition`), then applies the answer with `isrChangeCommitted`.
/// Not thread-safe by itself; its owner serialises access (the partition lock).
public struct LeaderReplicaState: Sendable, Equatable {
    /// One follower as the leader sees it through its fetches (Kafka's `ReplicaState`).
    public struct Follower: Sendable, Equatable {
        /// The offset of its last fetch: everything before it is on the follower.
        public var logEndOffset: Int64 = -1
        /// The last time it was known to have everything the leader had (`lastCaughtUpTimeMs`).
        public var lastCaughtUpTimeMs: Int64
        /// The leader's log end offset and the time at its previous fetch.
        public var lastFetchLeaderLogEndOffset: Int64 = -1
        public var lastFetchTimeMs: Int64 = 0
    }

    /// An ISR change sent to the controller and not answered yet (Kafka's
    /// `PendingExpandIsr` / `PendingShrinkIsr`); only one is in flight at a time.
    public struct PendingIsrChange: Sendable, Equatable {
        public var proposedIsr: Set<Int32>
        public var isExpansion: Bool
    }

    public let leaderId: Int32
    public let leaderEpoch: Int32
    public private(set) var partitionEpoch: Int32
    public let replicas: [Int32]
    /// The ISR the controller has committed.
    public private(set) var isr: Set<Int32>
    public private(set) var pendingIsrChange: PendingIsrChange?
    public private(set) var followers: [Int32: Follower]
    public private(set) var highWatermark: Int64
    /// The leader's log end offset, as last reported by `leaderAppended`.
    public private(set) var leaderLogEndOffset: Int64
    /// Where this leader epoch starts in the log: a follower must have reached it to join
    /// the ISR, so it is known to hold no stale data from an older epoch (KIP-101).
    public let leaderEpochStartOffset: Int64

    /// Becoming leader (Kafka's `Partition.makeLeader`): followers in the ISR count as caught
    /// up now, the others as never, and the high watermark carries over from the log.
    public init(
        leaderId: Int32, leaderEpoch: Int32, partitionEpoch: Int32, replicas: [Int32], isr: Set<Int32>,
        leaderLogEndOffset: Int64, highWatermark: Int64, nowMs: Int64
    ) {
        self.leaderId = leaderId
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.replicas = replicas
        self.isr = isr
        self.leaderLogEndOffset = leaderLogEndOffset
        self.highWatermark = min(highWatermark, leaderLogEndOffset)
        self.leaderEpochStartOffset = leaderLogEndOffset
        var followers: [Int32: Follower] = [:]
        for replica in replicas where replica != leaderId {
            followers[replica] = Follower(lastCaughtUpTimeMs: isr.contains(replica) ? nowMs : 0)
        }
        self.followers = followers
    }

    /// The ISR that counts for the high watermark while a change is in flight: an expansion
    /// counts at once, a shrink only once committed (Kafka's `maximalIsr`), so the high
    /// watermark never passes what a replica that may still be in the ISR has.
    public var maximalIsr: Set<Int32> {
        guard let pending = pendingIsrChange, pending.isExpansion else { return isr }
        return isr.union(pending.proposedIsr)
    }

    /// A follower is caught up when it had everything the leader had within the lag limit.
    public func isCaughtUp(_ replica: Int32, nowMs: Int64, replicaLagTimeMaxMs: Int64) -> Bool {
        guard let follower = followers[replica] else { return replica == leaderId }
        return nowMs - follower.lastCaughtUpTimeMs <= replicaLagTimeMaxMs
    }

    // MARK: Events

    /// The leader appended: its log end offset moved. Returns whether the high watermark moved
    /// (with RF=1 or an ISR of one it follows the log end at once).
    @discardableResult
    public mutating func leaderAppended(logEndOffset: Int64, nowMs: Int64, replicaLagTimeMaxMs: Int64) -> Bool {
        leaderLogEndOffset = logEndOffset
        return maybeIncrementHighWatermark(nowMs: nowMs, replicaLagTimeMaxMs: replicaLagTimeMaxMs)
    }

    /// A follower fetched from `fetchOffset` (Kafka's `updateFollowerFetchState`). Returns
    /// whether the high watermark moved.
    @discardableResult
    public mutating func followerFetched(
        _ replica: Int32, fetchOffset: Int64, nowMs: Int64, replicaLagTimeMaxMs: Int64
    ) -> Bool {
        guard var follower = followers[replica] else { return false }
        // Caught up if it asked for everything the leader has now, or everything the leader
        // had at its previous fetch (then it was caught up as of that fetch).
        if fetchOffset >= leaderLogEndOffset {
            follower.lastCaughtUpTimeMs = max(follower.lastCaughtUpTimeMs, nowMs)
        } else if fetchOffset >= follower.lastFetchLeaderLogEndOffset {
            follower.lastCaughtUpTimeMs = max(follower.lastCaughtUpTimeMs, follower.lastFetchTimeMs)
        }
        follower.logEndOffset = fetchOffset
        follower.lastFetchLeaderLogEndOffset = leaderLogEndOffset
        follower.lastFetchTimeMs = nowMs
        followers[replica] = follower
        return maybeIncrementHighWatermark(nowMs: nowMs, replicaLagTimeMaxMs: replicaLagTimeMaxMs)
    }

    /// The high watermark: the smallest log end offset among the maximal ISR and the replicas
    /// that are caught up (Kafka's `maybeIncrementLeaderHW`). It never goes backwards.
    @discardableResult
    mutating func maybeIncrementHighWatermark(nowMs: Int64, replicaLagTimeMaxMs: Int64) -> Bool {
        var candidate = leaderLogEndOffset
        let counted = maximalIsr
        for (replica, follower) in followers
        where counted.contains(replica) || isCaughtUp(replica, nowMs: nowMs, replicaLagTimeMaxMs: replicaLagTimeMaxMs) {
            candidate = min(candidate, max(follower.logEndOffset, 0))
        }
        guard candidate > highWatermark else { return false }
        highWatermark = candidate
        return true
    }

    // MARK: acks=all

    public enum AcksAllOutcome: Sendable, Equatable {
        /// Not yet: the high watermark is below the offset.
        case waiting
        /// Every ISR member has it and the ISR is at least `min.insync.replicas`.
        case satisfied
        /// Written and replicated to the ISR, but the ISR shrank below `min.insync.replicas`
        /// (Kafka's NOT_ENOUGH_REPLICAS_AFTER_APPEND).
        case notEnoughReplicasAfterAppend
    }

    /// Whether a produce whose last offset is `requiredOffset - 1` can be acknowledged with
    /// `acks=all` (Kafka's `checkEnoughReplicasReachOffset`).
    public func acksAll(requiredOffset: Int64, minInSyncReplicas: Int) -> AcksAllOutcome {
        guard highWatermark >= requiredOffset else { return .waiting }
        return isr.count >= minInSyncReplicas ? .satisfied : .notEnoughReplicasAfterAppend
    }

    /// Checked before an `acks=all` append: Kafka refuses it with NOT_ENOUGH_REPLICAS when the
    /// committed ISR is already smaller than `min.insync.replicas`.
    public func canAcceptAcksAll(minInSyncReplicas: Int) -> Bool { isr.count >= minInSyncReplicas }

    // MARK: ISR changes

    /// ISR members other than the leader that have not been caught up within the lag limit
    /// (Kafka's `getOutOfSyncReplicas`). Empty while another change is in flight.
    public func outOfSyncReplicas(nowMs: Int64, replicaLagTimeMaxMs: Int64) -> Set<Int32> {
        guard pendingIsrChange == nil else { return [] }
        return Set(isr.filter { $0 != leaderId && !isCaughtUp($0, nowMs: nowMs, replicaLagTimeMaxMs: replicaLagTimeMaxMs) })
    }

    /// A follower outside the ISR that may join: it has reached the high watermark and the
    /// start of this leader epoch (Kafka's `isFollowerInSync`).
    public func canJoinIsr(_ replica: Int32) -> Bool {
        guard pendingIsrChange == nil, !isr.contains(replica), let follower = followers[replica] else { return false }
        return follower.logEndOffset >= highWatermark && follower.logEndOffset >= leaderEpochStartOffset
    }

    /// Proposes `isr` minus `replicas` and returns the ISR to send to the controller, or nil
    /// when nothing would change or another change is in flight.
    public mutating func proposeShrink(removing replicas: Set<Int32>) -> Set<Int32>? {
        guard pendingIsrChange == nil else { return nil }
        let proposed = isr.subtracting(replicas.subtracting([leaderId]))
        guard proposed != isr else { return nil }
        pendingIsrChange = PendingIsrChange(proposedIsr: proposed, isExpansion: false)
        return proposed
    }

    /// Proposes adding `replica` to the ISR; nil when it can't join now.
    public mutating func proposeExpand(adding replica: Int32) -> Set<Int32>? {
        guard canJoinIsr(replica) else { return nil }
        let proposed = isr.union([replica])
        pendingIsrChange = PendingIsrChange(proposedIsr: proposed, isExpansion: true)
        return proposed
    }

    /// The controller committed an ISR (ours or, after a leader-epoch-preserving change, its
    /// own) with a new partition epoch.
    public mutating func isrChangeCommitted(isr newIsr: Set<Int32>, partitionEpoch newEpoch: Int32,
                                            nowMs: Int64, replicaLagTimeMaxMs: Int64) {
        isr = newIsr
        partitionEpoch = newEpoch
        pendingIsrChange = nil
        maybeIncrementHighWatermark(nowMs: nowMs, replicaLagTimeMaxMs: replicaLagTimeMaxMs)
    }

    /// The controller refused the change (stale epoch, fenced replica): forget it; the next
    /// check proposes again from the committed state.
    public mutating func isrChangeFailed() { pendingIsrChange = nil }
}
