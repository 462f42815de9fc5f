import BrokerEngine
import LogStore
import Testing

@Suite("Controller AlterPartition and producer ids")
struct AlterPartitionTests {
    /// A 3-replica partition and its current state.
    static func setUp() throws -> (ControllerHarness, TopicPartition, PartitionRegistration) {
        let h = try ControllerHarness()
        try h.controller.createTopic("orders", partitions: 1, replicationFactor: 3)
        let tp = TopicPartition("orders", 0)
        return (h, tp, h.image.partition(tp)!)
    }

    @Test func leaderShrinksAndExpandsIsrBumpingPartitionEpoch() throws {
        let (h, tp, state) = try Self.setUp()
        let follower = state.replicas[2]
        let shrunk = try h.controller.alterPartition(tp, leaderId: state.leader, leaderEpoch: state.leaderEpoch,
                                                     partitionEpoch: state.partitionEpoch, newIsr: Array(state.replicas.prefix(2)))
        #expect(shrunk.isr == Array(state.replicas.prefix(2)))
        #expect(shrunk.partitionEpoch == state.partitionEpoch + 1)
        #expect(shrunk.leaderEpoch == state.leaderEpoch, "an ISR change is not a leader change")
        #expect(h.image.partition(tp) == shrunk)

        let expanded = try h.controller.alterPartition(tp, leaderId: state.leader, leaderEpoch: state.leaderEpoch,
                                                       partitionEpoch: shrunk.partitionEpoch, newIsr: shrunk.isr + [follower])
        #expect(expanded.isr.contains(follower))
        #expect(expanded.partitionEpoch == state.partitionEpoch + 2)

        let same = try h.controller.alterPartition(tp, leaderId: state.leader, leaderEpoch: state.leaderEpoch,
                                                   partitionEpoch: expanded.partitionEpoch, newIsr: expanded.isr)
        #expect(same == expanded, "an unchanged ISR commits nothing")
    }

    @Test func staleEpochsAndWrongLeadersAreRejected() throws {
        let (h, tp, state) = try Self.setUp()
        let leader = state.leader, follower = state.replicas[1]
        func alter(leaderId: Int32 = leader, leaderEpoch: Int32 = state.leaderEpoch, partitionEpoch: Int32 = state.partitionEpoch,
                   isr: [Int32] = [leader], brokerEpoch: Int64? = nil) -> ControllerError? {
            do {
                try h.controller.alterPartition(tp, leaderId: leaderId, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch,
                                                newIsr: isr, brokerEpoch: brokerEpoch)
                return nil
            } catch { return error }
        }
        #expect(alter(partitionEpoch: state.partitionEpoch + 3)?.kafkaCode == 95, "INVALID_UPDATE_VERSION")
        #expect(alter(leaderId: follower)?.kafkaCode == 6, "NOT_LEADER_OR_FOLLOWER")
        #expect(alter(leaderEpoch: state.leaderEpoch - 1)?.kafkaCode == 74, "FENCED_LEADER_EPOCH")
        #expect(alter(leaderEpoch: state.leaderEpoch + 1)?.kafkaCode == 6, "NOT_LEADER_OR_FOLLOWER")
        #expect(alter(isr: [leader, 99])?.kafkaCode == 42, "a non-replica in the ISR")
        #expect(alter(isr: [leader, leader])?.kafkaCode == 42, "duplicates")
        #expect(alter(isr: [follower])?.kafkaCode == 42, "the leader must stay in the ISR")
        #expect(alter(brokerEpoch: -5)?.kafkaCode == 77, "STALE_BROKER_EPOCH")
        #expect(alter(leaderId: 42)?.kafkaCode == 102)
        let unknown = TopicPartition("orders", 7)
        #expect(throws: ControllerError.self) {
            try h.controller.alterPartition(unknown, leaderId: leader, leaderEpoch: 0, partitionEpoch: 0, newIsr: [leader])
        }
        #expect(h.image.partition(tp) == state, "nothing changed")

        // After a leader change the old leader's epoch is fenced.
        try h.controller.fenceBroker(leader)
        let after = try #require(h.image.partition(tp))
        #expect(after.leaderEpoch == state.leaderEpoch + 1)
        #expect(throws: ControllerError.self) {
            try h.controller.alterPartition(tp, leaderId: leader, leaderEpoch: state.leaderEpoch,
                                            partitionEpoch: after.partitionEpoch, newIsr: [leader])
        }
    }

    @Test func fencedOrShuttingDownReplicasAreIneligibleForTheIsr() throws {
        let (h, tp, state) = try Self.setUp()
        let leader = state.leader, follower = state.replicas[2]
        let shrunk = try h.controller.alterPartition(tp, leaderId: leader, leaderEpoch: state.leaderEpoch,
                                                     partitionEpoch: state.partitionEpoch, newIsr: [leader])
        try h.controller.fenceBroker(follower)
        #expect(throws: ControllerError.self) {
            try h.controller.alterPartition(tp, leaderId: leader, leaderEpoch: state.leaderEpoch,
                                            partitionEpoch: shrunk.partitionEpoch, newIsr: [leader, follower])
        }
        do {
            try h.controller.alterPartition(tp, leaderId: leader, leaderEpoch: state.leaderEpoch,
                                            partitionEpoch: shrunk.partitionEpoch, newIsr: [leader, follower])
        } catch {
            #expect(error.kafkaCode == 107, "INELIGIBLE_REPLICA")
        }
    }

    @Test func producerIdBlocksAreConsecutiveAndNeverReusedAfterRestart() throws {
        let h = try ControllerHarness()
        let first = try h.controller.allocateProducerIds(brokerId: 0)
        let second = try h.controller.allocateProducerIds(brokerId: 1)
        #expect(first.firstProducerId == 0 && first.size == 1_000 && first.lastProducerId == 999)
        #expect(second.firstProducerId == 1_000)
        #expect(throws: ControllerError.brokerIdNotRegistered(8)) { try h.controller.allocateProducerIds(brokerId: 8) }

        try h.restart()
        let third = try h.controller.allocateProducerIds(brokerId: 0)
        #expect(third.firstProducerId == 2_000, "the persisted watermark survives the restart")
        #expect(h.image.nextProducerId == 3_000)
    }
}
