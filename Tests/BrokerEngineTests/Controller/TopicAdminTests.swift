@testable import BrokerEngine
import KafkaProtocol
import LogStore
import Testing

@Suite("Controller topic administration")
struct TopicAdminTests {
    @Test func createdTopicHasIdPartitionsAndFullIsrLedByFirstReplica() throws {
        let h = try ControllerHarness()
        let created = try h.controller.createTopic("orders", partitions: 3, replicationFactor: 2)
        #expect(created.topicId != .zero)
        let topic = try #require(h.image.topic(named: "orders"))
        #expect(topic.id == created.topicId)
        #expect(h.image.topicsById[created.topicId]?.name == "orders")
        #expect(topic.partitionCount == 3)
        for (id, partition) in topic.partitions {
            #expect(partition.replicas.count == 2)
            #expect(Set(partition.replicas).count == 2)
            #expect(partition.isr == partition.replicas)
            #expect(partition.leader == partition.replicas[0])
            #expect(partition.leaderEpoch == 0 && partition.partitionEpoch == 0)
            #expect(created.assignment[id] == partition.replicas)
        }
    }

    @Test func placementSpreadsLeadersAndReplicasEvenly() throws {
        for seed: UInt64 in [1, 2, 3, 42, 99] {
            let h = try ControllerHarness(seed: seed)
            try h.controller.createTopic("spread", partitions: 6, replicationFactor: 3)
            var leaders: [Int32: Int] = [:]
            var replicas: [Int32: Int] = [:]
            for (_, partition) in h.image.allPartitions {
                leaders[partition.leader, default: 0] += 1
                for r in partition.replicas { replicas[r, default: 0] += 1 }
            }
            #expect(leaders == [0: 2, 1: 2, 2: 2], "seed \(seed)")
            #expect(replicas == [0: 6, 1: 6, 2: 6], "seed \(seed)")
        }
    }

    @Test func placementMatchesKafkasRackUnawareLayout() {
        // Kafka's AdminTest.testReplicaAssignment: 5 brokers, 10 partitions, RF 3, start 0.
        var random = SplitMix64(seed: 1)
        let assignment = ReplicaPlacer.assign(partitionCount: 10, replicationFactor: 3, brokers: [4, 3, 2, 1, 0],
                                              fixedStartIndex: 0, random: &random)
        let expected: [Int32: [Int32]] = [0: [0, 1, 2], 1: [1, 2, 3], 2: [2, 3, 4], 3: [3, 4, 0], 4: [4, 0, 1],
                                          5: [0, 2, 3], 6: [1, 3, 4], 7: [2, 4, 0], 8: [3, 0, 1], 9: [4, 1, 2]]
        #expect(assignment == expected)
    }

    @Test func addedPartitionsContinueTheRotation() throws {
        let h = try ControllerHarness(brokers: [0, 1, 2, 3, 4])
        try h.controller.createTopic("base", partitions: 1, replicationFactor: 3)
        try h.controller.createPartitions(topic: "base", newTotal: 11)
        let leaders = (0...10).map { h.partition("base", Int32($0))!.leader }
        for broker: Int32 in 0...4 { #expect(leaders.filter { $0 == broker }.count >= 2) }
    }

    @Test func replicationFactorAboveLiveBrokersIsRefused() throws {
        let h = try ControllerHarness()
        let error = #expect(throws: ControllerError.self) { try h.controller.createTopic("big", partitions: 1, replicationFactor: 4) }
        guard case .invalidReplicationFactor(let message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(message.contains("only 3 broker(s)"))
        try h.controller.fenceBroker(2)
        #expect(throws: ControllerError.self) { try h.controller.createTopic("three", partitions: 1, replicationFactor: 3) }
        try h.controller.createTopic("two", partitions: 4, replicationFactor: 2)
        #expect(h.image.allPartitions.allSatisfy { !$0.1.replicas.contains(2) }, "fenced brokers get no replicas")
    }

    @Test func everyCreateValidationErrorIsReported() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("exists", partitions: 1, replicationFactor: 1)
        try h.controller.createTopic("metrics.a", partitions: 1, replicationFactor: 1)
        let results = h.controller.createTopics([
            NewTopic(name: "exists", numPartitions: 1, replicationFactor: 1),
            NewTopic(name: "", numPartitions: 1, replicationFactor: 1),
            NewTopic(name: "..", numPartitions: 1, replicationFactor: 1),
            NewTopic(name: String(repeating: "x", count: 250), numPartitions: 1, replicationFactor: 1),
            NewTopic(name: "bad/name", numPartitions: 1, replicationFactor: 1),
            NewTopic(name: "metrics_a", numPartitions: 1, replicationFactor: 1),
            NewTopic(name: "zero", numPartitions: 0, replicationFactor: 1),
            NewTopic(name: "negative", numPartitions: -5, replicationFactor: 1),
            NewTopic(name: "rf0", numPartitions: 1, replicationFactor: 0),
            NewTopic(name: "badconfig", numPartitions: 1, replicationFactor: 1, configs: ["retention.ms": "soon"]),
            NewTopic(name: "unknownconfig", numPartitions: 1, replicationFactor: 1, configs: ["no.such.config": "1"]),
            NewTopic(name: "dup", numPartitions: 1, replicationFactor: 1),
            NewTopic(name: "dup", numPartitions: 2, replicationFactor: 1),
            NewTopic(name: "fine", numPartitions: 2, replicationFactor: 3),
        ])
        func error(_ name: String) -> ControllerError? { results[name]?.failure }
        #expect(error("exists") == .topicAlreadyExists("Topic 'exists' already exists."))
        #expect(error("") == .invalidTopic("Topic name is illegal, it can't be empty"))
        #expect(error("..") == .invalidTopic("Topic name cannot be \".\" or \"..\""))
        #expect(error(String(repeating: "x", count: 250))?.kafkaCode == 17)
        #expect(error("bad/name") == .invalidTopic(
            "Topic name \"bad/name\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"))
        #expect(error("metrics_a") == .invalidTopic("Topic 'metrics_a' collides with existing topic: metrics.a"))
        #expect(error("zero") == .invalidPartitions("Number of partitions was set to an invalid non-positive value."))
        #expect(error("negative")?.kafkaCode == 37)
        #expect(error("rf0")?.kafkaCode == 38)
        guard case .invalidConfig(let message)? = error("badconfig") else { Issue.record("badconfig"); return }
        #expect(message.contains("retention.ms"))
        #expect(error("unknownconfig") == .invalidConfig("Unknown topic config name: no.such.config"))
        #expect(error("dup") == .invalidRequest("Duplicate topic name."))
        #expect(results["fine"]?.success != nil, "valid topics in the same request are created")
        #expect(h.image.topicNames == ["exists", "fine", "metrics.a"])
    }

    @Test func manualAssignmentIsValidatedAndKeptAsGiven() throws {
        let h = try ControllerHarness()
        try h.controller.fenceBroker(2)
        let results = h.controller.createTopics([
            NewTopic(name: "manual", assignment: [0: [2, 1], 1: [1, 0]]),
            NewTopic(name: "gap", assignment: [0: [0, 1], 2: [1, 0]]),
            NewTopic(name: "dupbroker", assignment: [0: [1, 1]]),
            NewTopic(name: "unknownbroker", assignment: [0: [1, 7]]),
            NewTopic(name: "uneven", assignment: [0: [0, 1], 1: [1]]),
            NewTopic(name: "allfenced", assignment: [0: [2]]),
            NewTopic(name: "withcount", numPartitions: 2, assignment: [0: [0]]),
        ])
        #expect(results["manual"]?.success?.assignment == [0: [2, 1], 1: [1, 0]])
        let p0 = try #require(h.partition("manual", 0))
        #expect(p0.replicas == [2, 1] && p0.isr == [1] && p0.leader == 1, "fenced broker 2 starts outside the ISR")
        #expect(h.partition("manual", 1)?.leader == 1)
        for name in ["gap", "dupbroker", "unknownbroker", "uneven", "allfenced"] {
            #expect(results[name]?.failure?.kafkaCode == 39, "\(name)")
        }
        #expect(results["withcount"]?.failure?.kafkaCode == 42)
    }

    @Test func defaultsApplyForMinusOneAndValidateOnlyWritesNothing() throws {
        var config = ClusterConfig()
        config.numPartitions = 4
        config.defaultReplicationFactor = 2
        let h = try ControllerHarness(config: config)
        let dry = try h.controller.createTopic("dry", validateOnly: true)
        #expect(dry.numPartitions == 4 && dry.replicationFactor == 2 && dry.topicId == .zero)
        #expect(h.image.topic(named: "dry") == nil)
        try h.controller.createTopic("real")
        #expect(h.image.topic(named: "real")?.partitionCount == 4)
        #expect(h.partition("real", 0)?.replicas.count == 2)
    }

    @Test func deleteRemovesTopicAndConfigsAndAnnouncesIt() throws {
        let h = try ControllerHarness()
        let id = try h.controller.createTopic("gone", partitions: 2, replicationFactor: 2, configs: ["retention.ms": "1000"]).topicId
        h.changes.removeAll()
        #expect(try h.controller.deleteTopic("gone") == id)
        #expect(h.image.topic(named: "gone") == nil)
        #expect(h.image.topicsById[id] == nil)
        #expect(h.image.topicConfig("gone").isEmpty)
        let change = try #require(h.changes.all.last)
        #expect(change.deletedTopics.map(\.name) == ["gone"])
        #expect(change.deletedTopics.first?.partitionCount == 2)
        let results = h.controller.deleteTopics(["gone", "__consumer_offsets"])
        #expect(results["gone"]?.failure?.kafkaCode == 3)
        #expect(results["__consumer_offsets"]?.failure?.kafkaCode == 44)
        // The name is free again, with a new id.
        let again = try h.controller.createTopic("gone", partitions: 1, replicationFactor: 1)
        #expect(again.topicId != id)
    }

    @Test func addPartitionsGrowsTopicAndRejectsShrinkingOrUnknown() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("grow", partitions: 2, replicationFactor: 3)
        try h.controller.createPartitions(topic: "grow", newTotal: 5)
        let topic = try #require(h.image.topic(named: "grow"))
        #expect(topic.partitionCount == 5)
        #expect(topic.partitions.values.allSatisfy { $0.replicas.count == 3 && $0.isr.count == 3 })
        #expect(throws: ControllerError.invalidPartitions("Topic already has 5 partitions.")) {
            try h.controller.createPartitions(topic: "grow", newTotal: 5)
        }
        #expect(throws: ControllerError.invalidPartitions("Topic currently has 5 partitions, which is higher than the requested 3.")) {
            try h.controller.createPartitions(topic: "grow", newTotal: 3)
        }
        #expect(throws: ControllerError.unknownTopicOrPartition("This server does not host this topic-partition.")) {
            try h.controller.createPartitions(topic: "nope", newTotal: 3)
        }
        try h.controller.fenceBroker(0)
        let error = #expect(throws: ControllerError.self) { try h.controller.createPartitions(topic: "grow", newTotal: 6) }
        #expect(error?.kafkaCode == 38, "RF 3 cannot be met by 2 live brokers")
    }

    @Test func addPartitionsTakesAManualAssignmentChecked() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("grow", partitions: 1, replicationFactor: 2)
        #expect(throws: ControllerError.invalidReplicaAssignment(
            "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.")) {
            try h.controller.createPartitions(topic: "grow", newTotal: 3, assignment: [[0, 1]])
        }
        #expect(throws: ControllerError.invalidReplicaAssignment(
            "The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with "
                + "previous partitions, which have 2 replica(s).")) {
            try h.controller.createPartitions(topic: "grow", newTotal: 2, assignment: [[0]])
        }
        #expect(throws: ControllerError.invalidReplicaAssignment(
            "The manual partition assignment includes broker 7, but no such broker is registered.")) {
            try h.controller.createPartitions(topic: "grow", newTotal: 2, assignment: [[0, 7]])
        }
        try h.controller.createPartitions(topic: "grow", newTotal: 2, assignment: [[2, 0]], validateOnly: true)
        #expect(h.image.topic(named: "grow")?.partitionCount == 1, "a refused or validate-only request adds nothing")
        try h.controller.createPartitions(topic: "grow", newTotal: 3, assignment: [[2, 0], [1, 2]])
        #expect(h.partition("grow", 1)?.replicas == [2, 0])
        #expect(h.partition("grow", 1)?.leader == 2)
        #expect(h.partition("grow", 2)?.replicas == [1, 2])
    }

    @Test func internalTopicsCannotBeRepartitioned() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("__consumer_offsets", partitions: 3, replicationFactor: 1)
        let error = #expect(throws: ControllerError.self) { try h.controller.createPartitions(topic: "__consumer_offsets", newTotal: 6) }
        #expect(error?.kafkaCode == 44)
    }

    @Test func autoCreateHonoursClusterSettings() throws {
        var config = ClusterConfig()
        config.numPartitions = 3
        config.defaultReplicationFactor = 2
        let h = try ControllerHarness(config: config)
        let topic = try h.controller.autoCreateTopic("auto")
        #expect(topic.partitionCount == 3)
        #expect(topic.partitions.values.allSatisfy { $0.replicas.count == 2 })
        #expect(try h.controller.autoCreateTopic("auto").id == topic.id, "an existing topic is returned")
        #expect(throws: ControllerError.self) { try h.controller.autoCreateTopic("bad name") }

        var off = ClusterConfig()
        off.autoCreateTopicsEnable = false
        let disabled = try ControllerHarness(config: off)
        #expect(throws: ControllerError.unknownTopicOrPartition("This server does not host this topic-partition.")) {
            try disabled.controller.autoCreateTopic("auto")
        }
        #expect(disabled.image.topic(named: "auto") == nil)
    }
}
