import BrokerEngine
import LogStore
import Testing

/// Which broker coordinates a group: the running leader of its `__consumer_offsets` partition.
struct GroupCoordinatorLookupTests {
    @Test func theCoordinatorIsTheLeaderOfTheGroupsOffsetsPartition() throws {
        let harness = try ClusterHarness()
        let cluster = harness.cluster
        for groupId in ["payments", "audit", "", "Ω-group"] {
            let index = cluster.offsetsTopicPartition(forGroup: groupId)
            #expect(index == OffsetsTopicPartitioner.partition(for: groupId, partitionCount: 3))
            let leader = cluster.controller.image.partition(TopicPartition("__consumer_offsets", index))?.leader
            #expect(cluster.groupCoordinatorId(forGroup: groupId) == leader)
        }
    }

    @Test func theCoordinatorMovesWithLeadershipAndIsNilWithoutALeader() throws {
        let harness = try ClusterHarness(brokers: 2)
        let cluster = harness.cluster
        let first = try #require(cluster.groupCoordinatorId(forGroup: "payments"))
        try cluster.stopBroker(first, controlled: true)
        let second = try #require(cluster.groupCoordinatorId(forGroup: "payments"))
        #expect(second != first)
        try cluster.stopBroker(second, controlled: false)
        #expect(cluster.groupCoordinatorId(forGroup: "payments") == nil)
    }
}
