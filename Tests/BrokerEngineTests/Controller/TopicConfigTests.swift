import BrokerEngine
import LogStore
import Testing

@Suite("Controller topic configs")
struct TopicConfigTests {
    @Test func describeListsEveryConfigWithValueSourceAndSensitivity() throws {
        var config = ClusterConfig()
        config.uncleanLeaderElectionEnable = true
        let h = try ControllerHarness(config: config)
        try h.controller.createTopic("orders", partitions: 1, replicationFactor: 1,
                                     configs: ["retention.ms": "1000", "cleanup.policy": "compact"])
        let entries = try h.controller.describeConfigs(topic: "orders")
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        #expect(entries.map(\.name) == entries.map(\.name).sorted())
        #expect(byName["retention.ms"]?.value == "1000")
        #expect(byName["retention.ms"]?.source == .dynamicTopicConfig)
        #expect(byName["cleanup.policy"]?.value == "compact")
        #expect(byName["segment.bytes"]?.value == "1073741824")
        #expect(byName["segment.bytes"]?.source == .defaultConfig)
        #expect(byName["segment.bytes"]?.isDefault == true)
        #expect(byName["compression.type"]?.value == "producer")
        #expect(byName["min.insync.replicas"]?.value == "1")
        #expect(byName["unclean.leader.election.enable"]?.value == "true")
        #expect(byName["unclean.leader.election.enable"]?.source == .staticBrokerConfig)
        #expect(entries.allSatisfy { !$0.isSensitive && $0.value != nil })
        #expect(throws: ControllerError.self) { try h.controller.describeConfigs(topic: "nope") }
    }

    @Test func describeGivesTypesSynonymsAndDocumentation() throws {
        var config = ClusterConfig()
        config.uncleanLeaderElectionEnable = true
        let h = try ControllerHarness(config: config)
        try h.controller.createTopic("orders", partitions: 1, replicationFactor: 1, configs: ["retention.ms": "1000"])
        let byName = Dictionary(uniqueKeysWithValues: try h.controller.describeConfigs(topic: "orders").map { ($0.name, $0) })
        let retention = try #require(byName["retention.ms"])
        #expect(retention.type == .long)
        #expect(retention.synonyms == [
            ConfigSynonym(name: "retention.ms", value: "1000", source: .dynamicTopicConfig),
            ConfigSynonym(name: "log.retention.hours", value: "168", source: .defaultConfig),
        ])
        #expect(byName["segment.bytes"]?.synonyms == [ConfigSynonym(name: "log.segment.bytes", value: "1073741824", source: .defaultConfig)])
        #expect(byName["unclean.leader.election.enable"]?.synonyms == [
            ConfigSynonym(name: "unclean.leader.election.enable", value: "true", source: .staticBrokerConfig),
        ])
        #expect(byName["leader.replication.throttled.replicas"]?.synonyms == [])
        #expect(byName["leader.replication.throttled.replicas"]?.source == .defaultConfig)
        #expect(byName["cleanup.policy"]?.type == .list)
        #expect(byName["min.cleanable.dirty.ratio"]?.type == .double)
        #expect(byName["preallocate"]?.type == .boolean)
        #expect(byName["compression.type"]?.type == .string)
        #expect(byName["max.message.bytes"]?.type == .int)
        #expect(byName.values.allSatisfy { $0.type != .unknown && $0.documentation != nil })
        // What CreateTopics returns for a topic that does not exist yet (validateOnly).
        let effective = h.controller.effectiveTopicConfigs(overrides: ["segment.ms": "60000"])
        #expect(effective.first { $0.name == "segment.ms" }?.source == .dynamicTopicConfig)
        #expect(effective.map(\.name) == byName.keys.sorted())
    }

    @Test func incrementalAlterSetsDeletesAppendsAndSubtracts() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("t", partitions: 1, replicationFactor: 1, configs: ["retention.ms": "5000"])
        try h.controller.incrementalAlterConfigs(topic: "t", [
            .set("max.message.bytes", "2048"),
            .delete("retention.ms"),
            .append("cleanup.policy", "compact"),
            .append("leader.replication.throttled.replicas", "0:1,0:2"),
        ])
        #expect(h.image.topicConfig("t") == [
            "max.message.bytes": "2048", "cleanup.policy": "delete,compact",
            "leader.replication.throttled.replicas": "0:1,0:2",
        ])
        try h.controller.incrementalAlterConfigs(topic: "t", [
            .subtract("cleanup.policy", "delete"), .append("leader.replication.throttled.replicas", "0:2,0:3"),
        ])
        #expect(h.image.topicConfig("t")["cleanup.policy"] == "compact")
        #expect(h.image.topicConfig("t")["leader.replication.throttled.replicas"] == "0:1,0:2,0:3")
    }

    @Test func incrementalAlterRejectsBadOperationsAtomically() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("t", partitions: 1, replicationFactor: 1)
        let before = h.image.topicConfig("t")
        #expect(throws: ControllerError.invalidConfig("Config value append is not allowed for config key: retention.ms")) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.append("retention.ms", "5")])
        }
        #expect(throws: ControllerError.invalidRequest("Error due to duplicate config keys")) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.set("retention.ms", "5"), .delete("retention.ms")])
        }
        #expect(throws: ControllerError.invalidConfig("Unknown topic config name: retention.hours")) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.set("retention.hours", "5")])
        }
        let invalid = #expect(throws: ControllerError.self) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.set("segment.bytes", "1"), .set("retention.ms", "9")])
        }
        #expect(invalid?.kafkaCode == 40)
        #expect(throws: ControllerError.self) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.set("compression.type", "brotli")])
        }
        #expect(throws: ControllerError.self) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.set("min.cleanable.dirty.ratio", "1.5")])
        }
        #expect(throws: ControllerError.self) {
            try h.controller.incrementalAlterConfigs(topic: "t", [.set("preallocate", "yes")])
        }
        #expect(throws: ControllerError.unknownTopicOrPartition("This server does not host this topic-partition.")) {
            try h.controller.incrementalAlterConfigs(topic: "nope", [.set("retention.ms", "5")])
        }
        #expect(h.image.topicConfig("t") == before, "nothing applied from a refused request")
        try h.controller.incrementalAlterConfigs(topic: "t", [.set("retention.ms", "9")], validateOnly: true)
        #expect(h.image.topicConfig("t") == before, "validateOnly writes nothing")
    }

    @Test func legacyAlterReplacesAllOverrides() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("t", partitions: 1, replicationFactor: 1,
                                     configs: ["retention.ms": "5000", "segment.ms": "60000"])
        h.changes.removeAll()
        try h.controller.alterConfigs(topic: "t", ["retention.ms": "5000", "min.insync.replicas": "2"])
        #expect(h.image.topicConfig("t") == ["retention.ms": "5000", "min.insync.replicas": "2"])
        let records = try #require(h.changes.all.last?.records)
        #expect(Set(records) == [
            .config(resource: .topic("t"), name: "segment.ms", value: nil),
            .config(resource: .topic("t"), name: "min.insync.replicas", value: "2"),
        ], "only what changed is written")
        #expect(throws: ControllerError.self) { try h.controller.alterConfigs(topic: "t", ["min.insync.replicas": "0"]) }
        #expect(h.image.topicConfig("t")["min.insync.replicas"] == "2")
    }
}
