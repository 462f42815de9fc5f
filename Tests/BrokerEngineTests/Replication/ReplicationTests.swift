import BrokerEngine
import KafkaProtocol
import LogStore
import NIOConcurrencyHelpers
import NIOCore
import Testing

@Suite struct ReplicationTests {
    static let rf3 = PartitionState(leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1, 2, 3], isr: [1, 2, 3])

    @Test func acksAllCompletesOnlyOnceEveryIsrMemberHasTheRecords() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        let outcome = harness.produce(["a", "b"], on: 1)
        #expect(outcome.withLockedValue { $0 } == nil)                  // waiting for the followers
        #expect(harness.managers[1]!.highWatermark(harness.topic) == 0)
        harness.replicate()
        let info = try #require(try outcome.withLockedValue { $0 }?.get())
        #expect(info.firstOffset == 0 && info.lastOffset == 1)
        #expect(harness.managers[1]!.highWatermark(harness.topic) == 2)
        for broker: Int32 in [1, 2, 3] { #expect(try harness.values(on: broker) == ["a", "b"]) }
        #expect(harness.managers[2]!.highWatermark(harness.topic) == 2)
    }

    @Test func acksOneCompletesAtOnceButConsumersSeeOnlyReplicatedRecords() async throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        let outcome = harness.produce(["x"], on: 1, acks: 1)
        #expect(try outcome.withLockedValue { $0 }?.get().lastOffset == 0)
        let manager = harness.managers[1]!
        let before = await manager.fetch([FetchPartitionRequest(topicPartition: harness.topic, fetchOffset: 0)],
                                          maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20)
        #expect(before[0].records.readableBytes == 0)                   // above the high watermark
        #expect(before[0].highWatermark == 0)
        harness.replicate()
        let after = await manager.fetch([FetchPartitionRequest(topicPartition: harness.topic, fetchOffset: 0)],
                                         maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20)
        #expect(after[0].records.readableBytes > 0)
        #expect(after[0].highWatermark == 1)
    }

    @Test func longPollFetchCompletesWhenTheHighWatermarkMoves() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        let result = NIOLockedValueBoxWrapper()
        harness.managers[1]!.fetch([FetchPartitionRequest(topicPartition: harness.topic, fetchOffset: 0)],
                                   maxWaitMs: 5_000, minBytes: 1, maxBytes: 1 << 20) { result.set($0) }
        #expect(result.get() == nil)
        _ = harness.produce(["late"], on: 1, acks: 1)
        #expect(result.get() == nil)                                    // written, not yet replicated
        harness.replicate()
        let data = try #require(result.get())
        #expect(data[0].highWatermark == 1)
        #expect(data[0].records.readableBytes > 0)
    }

    @Test func longPollFetchExpiresEmptyAfterMaxWait() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        let result = NIOLockedValueBoxWrapper()
        harness.managers[1]!.fetch([FetchPartitionRequest(topicPartition: harness.topic, fetchOffset: 0)],
                                   maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20) { result.set($0) }
        harness.scheduler.advance(byMs: 499)
        #expect(result.get() == nil)
        harness.scheduler.advance(byMs: 1)
        #expect(result.get()?.first?.records.readableBytes == 0)
    }

    @Test func stoppedFollowerLeavesTheIsrAndMinInsyncReplicasRefusesAcksAll() throws {
        let harness = try ReplicationHarness()
        harness.logConfig = try LogConfig(properties: ["min.insync.replicas": "3"])
        try harness.assign(Self.rf3)
        _ = harness.produce(["one"], on: 1)
        harness.replicate()
        harness.paused = [3]
        harness.scheduler.advance(byMs: 30_001)
        harness.replicate()                                             // broker 2 keeps fetching
        harness.managers[1]!.checkIsrChanges()
        #expect(harness.state.isr == [1, 2])
        #expect(harness.state.partitionEpoch == 1)
        let refused = harness.produce(["two"], on: 1)
        guard case .failure(.notEnoughReplicas(_, 2, 3))? = refused.withLockedValue({ $0 }) else {
            Issue.record("expected NOT_ENOUGH_REPLICAS, got \(String(describing: refused.withLockedValue { $0 }))")
            return
        }
        #expect(try harness.values(on: 1) == ["one"])                  // nothing was written

        // Back: broker 3 catches up and rejoins; acks=all works again.
        harness.paused = []
        harness.replicate()
        harness.managers[1]!.checkIsrChanges()
        #expect(harness.state.isr == [1, 2, 3])
        let accepted = harness.produce(["three"], on: 1)
        harness.replicate()
        #expect(try accepted.withLockedValue { $0 }?.get().firstOffset == 1)
    }

    @Test func highWatermarkNeverExposesUnreplicatedRecords() async throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        harness.paused = [3]
        _ = harness.produce(["r1", "r2", "r3"], on: 1, acks: 1)
        harness.replicate()
        // Broker 3 is in the ISR but has nothing: nothing may be visible yet.
        #expect(harness.managers[1]!.highWatermark(harness.topic) == 0)
        let latest = try harness.managers[1]!.listOffset(harness.topic, timestamp: TimestampAndOffset.latest)
        #expect(latest?.offset == 0)
    }

    @Test func newLeaderServesAcknowledgedRecordsAndTheOldLeaderTruncatesItsDivergentTail() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        let acknowledged = harness.produce(["kept-1", "kept-2"], on: 1)
        harness.replicate()
        #expect(try acknowledged.withLockedValue { $0 }?.get().lastOffset == 1)
        // Broker 1 appends records no follower gets, then dies.
        harness.paused = [2, 3]
        _ = harness.produce(["lost"], on: 1, acks: 1)
        harness.down = [1]
        harness.paused = []
        try harness.assign(PartitionState(leader: 2, leaderEpoch: 1, partitionEpoch: 1, replicas: [1, 2, 3], isr: [2, 3]))
        let afterFailover = harness.produce(["new-1"], on: 2)
        harness.replicate()
        #expect(try afterFailover.withLockedValue { $0 }?.get().firstOffset == 2)
        #expect(try harness.values(on: 2) == ["kept-1", "kept-2", "new-1"])
        #expect(try harness.values(on: 3) == ["kept-1", "kept-2", "new-1"])

        // Broker 1 comes back as a follower: it truncates "lost" by leader epoch and catches up.
        harness.down = []
        try harness.managers[1]!.applyPartitionState(harness.topic, harness.state, config: harness.logConfig)
        harness.replicate()
        #expect(try harness.values(on: 1) == ["kept-1", "kept-2", "new-1"])
        harness.managers[2]!.checkIsrChanges()
        #expect(harness.state.isr == [1, 2, 3])
    }

    @Test func produceToAFollowerIsRefused() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        let outcome = harness.produce(["x"], on: 2)
        guard case .failure(.notLeaderOrFollower)? = outcome.withLockedValue({ $0 }) else {
            Issue.record("expected NOT_LEADER_OR_FOLLOWER")
            return
        }
    }

    @Test func waitingAcksAllFailsWhenLeadershipMoves() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        harness.paused = [2, 3]
        let outcome = harness.produce(["x"], on: 1)
        #expect(outcome.withLockedValue { $0 } == nil)
        try harness.assign(PartitionState(leader: 2, leaderEpoch: 1, partitionEpoch: 1, replicas: [1, 2, 3], isr: [2, 3]))
        guard case .failure(.notLeaderOrFollower)? = outcome.withLockedValue({ $0 }) else {
            Issue.record("expected NOT_LEADER_OR_FOLLOWER, got \(String(describing: outcome.withLockedValue { $0 }))")
            return
        }
    }

    @Test func acksAllTimesOut() throws {
        let harness = try ReplicationHarness()
        try harness.assign(Self.rf3)
        harness.paused = [2, 3]
        let outcome = harness.produce(["x"], on: 1, timeoutMs: 1_000)
        harness.scheduler.advance(byMs: 1_000)
        guard case .failure(.requestTimedOut)? = outcome.withLockedValue({ $0 }) else {
            Issue.record("expected REQUEST_TIMED_OUT")
            return
        }
    }
}

/// A box for a fetch result delivered by a completion.
final class NIOLockedValueBoxWrapper: Sendable {
    private let box = NIOLockedValueBox<[FetchPartitionData]?>(nil)
    func set(_ value: [FetchPartitionData]) { box.withLockedValue { $0 = value } }
    func get() -> [FetchPartitionData]? { box.withLockedValue { $0 } }
}
