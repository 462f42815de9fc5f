import BrokerEngine
import LogStore
import Testing

@Suite("Controller broker lifecycle and leader election")
struct BrokerLifecycleTests {
    /// A topic whose partition 0 has replicas in the given order (found by trying seeds
    /// is brittle; instead pick the partition that has the wanted preferred leader).
    static func partitionLedBy(_ broker: Int32, in h: ControllerHarness, topic: String) -> Int32 {
        h.image.topic(named: topic)!.partitions.first { $0.value.leader == broker }!.key
    }

    @Test func controlledShutdownMovesLeadershipBeforeFencing() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("orders", partitions: 6, replicationFactor: 3)
        let before = h.image
        #expect(before.partitionsLed(by: 0).count == 2)
        h.changes.removeAll()

        try h.controller.controlledShutdown(0)

        let changes = h.changes.all
        #expect(changes.count == 2)
        let moved = try #require(changes.first?.image)
        #expect(moved.brokers[0]?.state == .shuttingDown, "still there while its leaderships move")
        #expect(moved.partitionsLed(by: 0).isEmpty)
        #expect(moved.allPartitions.allSatisfy { !$0.1.isr.contains(0) })
        #expect(changes.last?.records == [.brokerFenced(brokerId: 0, epoch: before.brokers[0]!.epoch)])
        #expect(h.image.brokers[0]?.state == .fenced)
        for tp in before.partitionsLed(by: 0) {
            let old = before.partition(tp)!, new = h.image.partition(tp)!
            #expect(new.leader != 0 && new.leader != -1)
            #expect(new.leaderEpoch == old.leaderEpoch + 1)
            #expect(new.partitionEpoch == old.partitionEpoch + 1)
        }
        #expect(h.image.offlinePartitions.isEmpty)
    }

    @Test func killFencesAndElectsFirstLiveIsrMemberInReplicaOrder() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("orders", partitions: 3, replicationFactor: 3)
        let p = Self.partitionLedBy(1, in: h, topic: "orders")
        let old = try #require(h.partition("orders", p))
        h.changes.removeAll()

        try h.controller.fenceBroker(1)

        let new = try #require(h.partition("orders", p))
        #expect(new.leader == old.replicas[1], "the next replica in assignment order that is in the ISR")
        #expect(new.isr == old.isr.filter { $0 != 1 })
        #expect(new.leaderEpoch == old.leaderEpoch + 1)
        #expect(h.image.brokers[1]?.state == .fenced)
        let records = try #require(h.changes.all.first?.records)
        #expect(records.first == .brokerFenced(brokerId: 1, epoch: h.image.brokers[1]!.epoch), "fenced first, then moved")
        #expect(h.changes.all.count == 1)
    }

    @Test func partitionWithNoLiveIsrMemberGoesOfflineKeepingItsLastIsrMember() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("solo", partitions: 3, replicationFactor: 1)
        let p = Self.partitionLedBy(2, in: h, topic: "solo")
        try h.controller.fenceBroker(2)
        let offline = try #require(h.partition("solo", p))
        #expect(offline.leader == -1 && offline.isOffline)
        #expect(offline.isr == [2], "kept so that broker 2 can come back as a clean leader")
        #expect(offline.leaderEpoch == 1)
        #expect(h.image.offlinePartitions == [TopicPartition("solo", p)])

        try h.controller.unfenceBroker(2)
        let back = try #require(h.partition("solo", p))
        #expect(back.leader == 2)
        #expect(back.leaderEpoch == 2)
        #expect(h.image.offlinePartitions.isEmpty)
    }

    /// Shrinks the ISR of `topic`-`p` to its leader, then kills the leader.
    static func leaveOnlyOutOfSyncReplica(_ h: ControllerHarness, topic: String) throws -> (Int32, PartitionRegistration) {
        let p = partitionLedBy(0, in: h, topic: topic)
        let state = h.partition(topic, p)!
        try h.controller.alterPartition(TopicPartition(topic, p), leaderId: 0, leaderEpoch: state.leaderEpoch,
                                        partitionEpoch: state.partitionEpoch, newIsr: [0])
        try h.controller.fenceBroker(0)
        return (p, state)
    }

    @Test func uncleanElectionOnlyWhenEnabledForTheTopic() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("u", partitions: 3, replicationFactor: 2)
        let (p, before) = try Self.leaveOnlyOutOfSyncReplica(h, topic: "u")
        let offline = try #require(h.partition("u", p))
        #expect(offline.leader == -1, "the live follower is out of sync: no clean leader")
        #expect(offline.isr == [0])

        try h.controller.incrementalAlterConfigs(topic: "u", [.set("unclean.leader.election.enable", "true")])
        let unclean = try #require(h.partition("u", p))
        #expect(unclean.leader == before.replicas[1])
        #expect(unclean.isr == [before.replicas[1]])
        #expect(unclean.leaderEpoch == offline.leaderEpoch + 1)
    }

    @Test func clusterWideUncleanSettingElectsOutOfSyncReplicaAtOnce() throws {
        var config = ClusterConfig()
        config.uncleanLeaderElectionEnable = true
        let h = try ControllerHarness(config: config)
        try h.controller.createTopic("u", partitions: 3, replicationFactor: 2)
        let (p, before) = try Self.leaveOnlyOutOfSyncReplica(h, topic: "u")
        #expect(h.partition("u", p)?.leader == before.replicas[1])
        #expect(h.partition("u", p)?.isr == [before.replicas[1]])


        // A topic override can still forbid it.
        let strict = try ControllerHarness(config: config)
        try strict.controller.createTopic("strict", partitions: 3, replicationFactor: 2,
                                          configs: ["unclean.leader.election.enable": "false"])
        let (q, _) = try Self.leaveOnlyOutOfSyncReplica(strict, topic: "strict")
        #expect(strict.partition("strict", q)?.leader == -1)
    }

    @Test func returningBrokerRejoinsIsrAndPreferredLeadershipIsRestored() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("orders", partitions: 3, replicationFactor: 3)
        let p = Self.partitionLedBy(0, in: h, topic: "orders")
        let tp = TopicPartition("orders", p)
        try h.controller.fenceBroker(0)
        let interim = try #require(h.partition("orders", p))
        #expect(interim.leader != 0)

        try h.controller.unfenceBroker(0)
        #expect(h.partition("orders", p)?.leader == interim.leader, "not in the ISR yet: it must catch up first")

        // The interim leader sees broker 0 caught up and adds it back (AlterPartition).
        try h.controller.alterPartition(tp, leaderId: interim.leader, leaderEpoch: interim.leaderEpoch,
                                        partitionEpoch: interim.partitionEpoch, newIsr: interim.isr + [0])
        #expect(h.partition("orders", p)?.leader == interim.leader)

        // auto.leader.rebalance.enable: the periodic check restores the preferred leader.
        try h.advanceWithHeartbeats(byMs: ClusterConfig().leaderImbalanceCheckIntervalMs)
        let restored = try #require(h.partition("orders", p))
        #expect(restored.leader == 0)
        #expect(restored.leaderEpoch == interim.leaderEpoch + 1)
        #expect(h.image.partitionsLed(by: 0).count == 1)
    }

    @Test func explicitPreferredElectionReportsWhatMoved() throws {
        var config = ClusterConfig()
        config.autoLeaderRebalanceEnable = false
        let h = try ControllerHarness(config: config)
        try h.controller.createTopic("orders", partitions: 3, replicationFactor: 2)
        let p = Self.partitionLedBy(1, in: h, topic: "orders")
        try h.controller.fenceBroker(1)
        try h.controller.registerBroker(id: 1)
        let interim = try #require(h.partition("orders", p))
        try h.controller.alterPartition(TopicPartition("orders", p), leaderId: interim.leader, leaderEpoch: interim.leaderEpoch,
                                        partitionEpoch: interim.partitionEpoch, newIsr: interim.replicas)
        #expect(h.partition("orders", p)?.leader != 1, "no automatic rebalance")
        #expect(try h.controller.preferredLeaderElection() == [TopicPartition("orders", p)])
        #expect(h.partition("orders", p)?.leader == 1)
        #expect(try h.controller.preferredLeaderElection().isEmpty)
    }

    @Test func missedHeartbeatsFenceAfterTheSessionTimeout() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("orders", partitions: 3, replicationFactor: 3)
        // Brokers 0 and 1 heartbeat every 2 s; broker 2 falls silent.
        for _ in 0..<4 {
            h.scheduler.advance(byMs: 2_000)
            try h.controller.heartbeat(brokerId: 0)
            try h.controller.heartbeat(brokerId: 1)
        }
        h.scheduler.advance(byMs: 999)
        #expect(h.image.brokers[2]?.state == .unfenced, "8999 ms of silence is within broker.session.timeout.ms")
        h.scheduler.advance(byMs: 1)
        #expect(h.image.brokers[2]?.state == .fenced)
        #expect(h.image.partitionsLed(by: 2).isEmpty)
        #expect(h.image.brokers[0]?.state == .unfenced && h.image.brokers[1]?.state == .unfenced)
        #expect(h.image.brokers[0]?.lastHeartbeatMs == h.scheduler.nowMs - 1_000)
    }

    @Test func heartbeatsFromUnknownOrStaleIncarnationsAreRefused() throws {
        let h = try ControllerHarness()
        #expect(throws: ControllerError.brokerIdNotRegistered(7)) { try h.controller.heartbeat(brokerId: 7) }
        let old = h.image.brokers[0]!.epoch
        let new = try h.controller.registerBroker(id: 0)
        #expect(new > old)
        #expect(throws: ControllerError.self) { try h.controller.heartbeat(brokerId: 0, epoch: old) }
        try h.controller.heartbeat(brokerId: 0, epoch: new)
        #expect(throws: ControllerError.brokerIdNotRegistered(9)) { try h.controller.fenceBroker(9) }
    }

    @Test func brokerRegisteredFencedWaitsForUnfence() throws {
        let h = try ControllerHarness(brokers: [0, 1])
        try h.controller.registerBroker(id: 5, rack: "r1", startFenced: true)
        #expect(h.image.brokers[5]?.state == .registered)
        #expect(h.image.brokers[5]?.rack == "r1")
        #expect(throws: ControllerError.self) { try h.controller.createTopic("t", partitions: 1, replicationFactor: 3) }
        try h.controller.unfenceBroker(5)
        try h.controller.createTopic("t", partitions: 1, replicationFactor: 3)
        #expect(h.image.activeBrokerIds == [0, 1, 5])
    }
}
