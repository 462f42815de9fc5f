import BrokerEngine
import Testing

@Suite struct LeaderReplicaStateTests {
    static let lag: Int64 = 30_000   // replica.lag.time.max.ms

    /// Leader 1 with followers 2 and 3, all in the ISR, log end offset 0.
    static func leader(isr: Set<Int32> = [1, 2, 3], now: Int64 = 1_000) -> LeaderReplicaState {
        LeaderReplicaState(leaderId: 1, leaderEpoch: 5, partitionEpoch: 7, replicas: [1, 2, 3], isr: isr,
                           leaderLogEndOffset: 0, highWatermark: 0, nowMs: now)
    }

    @Test func highWatermarkIsTheSmallestLogEndOffsetInTheIsr() {
        var state = Self.leader()
        state.leaderAppended(logEndOffset: 10, nowMs: 1_000, replicaLagTimeMaxMs: Self.lag)
        #expect(state.highWatermark == 0)          // followers have not fetched anything
        state.followerFetched(2, fetchOffset: 10, nowMs: 1_010, replicaLagTimeMaxMs: Self.lag)
        #expect(state.highWatermark == 0)          // replica 3 still has nothing
        state.followerFetched(3, fetchOffset: 6, nowMs: 1_020, replicaLagTimeMaxMs: Self.lag)
        #expect(state.highWatermark == 6)          // never past what replica 3 has
        state.followerFetched(3, fetchOffset: 10, nowMs: 1_030, replicaLagTimeMaxMs: Self.lag)
        #expect(state.highWatermark == 10)
        state.followerFetched(3, fetchOffset: 4, nowMs: 1_040, replicaLagTimeMaxMs: Self.lag)
        #expect(state.highWatermark == 10)         // it never goes backwards
    }

    @Test func aLeaderAloneInTheIsrMovesTheHighWatermarkOnAppend() {
        var state = LeaderReplicaState(leaderId: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1], isr: [1],
                                       leaderLogEndOffset: 3, highWatermark: 3, nowMs: 0)
        let moved = state.leaderAppended(logEndOffset: 8, nowMs: 1, replicaLagTimeMaxMs: Self.lag)
        #expect(moved)
        #expect(state.highWatermark == 8)
    }

    @Test func acksAllWaitsForTheIsrAndChecksMinInSyncReplicas() {
        var state = Self.leader()
        state.leaderAppended(logEndOffset: 5, nowMs: 1_000, replicaLagTimeMaxMs: Self.lag)
        #expect(state.acksAll(requiredOffset: 5, minInSyncReplicas: 2) == .waiting)
        state.followerFetched(2, fetchOffset: 5, nowMs: 1_001, replicaLagTimeMaxMs: Self.lag)
        state.followerFetched(3, fetchOffset: 5, nowMs: 1_002, replicaLagTimeMaxMs: Self.lag)
        #expect(state.acksAll(requiredOffset: 5, minInSyncReplicas: 2) == .satisfied)
        #expect(state.acksAll(requiredOffset: 5, minInSyncReplicas: 4) == .notEnoughReplicasAfterAppend)
        #expect(state.canAcceptAcksAll(minInSyncReplicas: 3))
        #expect(!state.canAcceptAcksAll(minInSyncReplicas: 4))
    }

    @Test func followerThatStopsFetchingLeavesTheIsrAndStopsHoldingTheHighWatermark() {
        var state = Self.leader(now: 0)
        state.leaderAppended(logEndOffset: 4, nowMs: 0, replicaLagTimeMaxMs: Self.lag)
        state.followerFetched(2, fetchOffset: 4, nowMs: 100, replicaLagTimeMaxMs: Self.lag)
        state.followerFetched(3, fetchOffset: 4, nowMs: 100, replicaLagTimeMaxMs: Self.lag)
        state.leaderAppended(logEndOffset: 9, nowMs: 200, replicaLagTimeMaxMs: Self.lag)
        // Replica 2 keeps fetching; replica 3 goes silent.
        state.followerFetched(2, fetchOffset: 9, nowMs: 20_000, replicaLagTimeMaxMs: Self.lag)
        #expect(state.highWatermark == 4)
        #expect(state.outOfSyncReplicas(nowMs: 30_100, replicaLagTimeMaxMs: Self.lag).isEmpty)
        #expect(state.outOfSyncReplicas(nowMs: 30_101, replicaLagTimeMaxMs: Self.lag) == [3])

        let proposed = state.proposeShrink(removing: [3])
        #expect(proposed == [1, 2])
        #expect(state.maximalIsr == [1, 2, 3])     // a shrink counts only once committed
        let second = state.proposeShrink(removing: [2])
        #expect(second == nil)   // one change at a time
        state.isrChangeCommitted(isr: [1, 2], partitionEpoch: 8, nowMs: 30_200, replicaLagTimeMaxMs: Self.lag)
        #expect(state.isr == [1, 2])
        #expect(state.partitionEpoch == 8)
        #expect(state.highWatermark == 9)          // replica 3 no longer holds it back
    }

    @Test func followerRejoinsOnceItReachesTheHighWatermarkAndTheEpochStart() {
        var state = LeaderReplicaState(leaderId: 1, leaderEpoch: 6, partitionEpoch: 3, replicas: [1, 2, 3],
                                       isr: [1, 2], leaderLogEndOffset: 20, highWatermark: 20, nowMs: 0)
        #expect(state.leaderEpochStartOffset == 20)
        state.followerFetched(2, fetchOffset: 20, nowMs: 10, replicaLagTimeMaxMs: Self.lag)
        state.followerFetched(3, fetchOffset: 12, nowMs: 10, replicaLagTimeMaxMs: Self.lag)
        #expect(!state.canJoinIsr(3))
        let early = state.proposeExpand(adding: 3)
        #expect(early == nil)
        state.followerFetched(3, fetchOffset: 20, nowMs: 20, replicaLagTimeMaxMs: Self.lag)
        #expect(state.canJoinIsr(3))
        let expansion = state.proposeExpand(adding: 3)
        #expect(expansion == [1, 2, 3])
        #expect(state.maximalIsr == [1, 2, 3])     // an expansion counts at once
        state.isrChangeFailed()
        #expect(state.pendingIsrChange == nil)
        #expect(state.isr == [1, 2])
        let retried = state.proposeExpand(adding: 3)
        #expect(retried == [1, 2, 3])
        state.isrChangeCommitted(isr: [1, 2, 3], partitionEpoch: 4, nowMs: 30, replicaLagTimeMaxMs: Self.lag)
        #expect(state.isr == [1, 2, 3])
    }

    @Test func fetchReachingTheLeadersPreviousEndCountsAsCaughtUpAtThatFetch() {
        var state = Self.leader(now: 0)
        state.leaderAppended(logEndOffset: 10, nowMs: 0, replicaLagTimeMaxMs: Self.lag)
        state.followerFetched(2, fetchOffset: 0, nowMs: 1_000, replicaLagTimeMaxMs: Self.lag)   // leader had 10
        state.leaderAppended(logEndOffset: 20, nowMs: 1_500, replicaLagTimeMaxMs: Self.lag)
        state.followerFetched(2, fetchOffset: 10, nowMs: 2_000, replicaLagTimeMaxMs: Self.lag)  // has what the leader had at 1000
        #expect(state.followers[2]?.lastCaughtUpTimeMs == 1_000)
        state.followerFetched(2, fetchOffset: 20, nowMs: 3_000, replicaLagTimeMaxMs: Self.lag)  // has everything
        #expect(state.followers[2]?.lastCaughtUpTimeMs == 3_000)
    }
}
