extension Cluster {
    /// DescribeConfigs for a broker: the broker configs Kafka clients commonly ask about,
    /// with Kafka's names and the values this cluster runs with (`ClusterOptions`,
    /// `ClusterConfig`, `ReplicationConfig`, `GroupCoordinatorConfig`, and the topic
    /// defaults' `log.*` names). A value that differs from Kafka's default is
    /// STATIC_BROKER_CONFIG, as if set in `server.properties`; otherwise DEFAULT_CONFIG.
    /// Every entry is read-only: the in-process cluster's broker configs are fixed when it
    /// starts (there are no dynamic broker configs). Sorted by name.
    public func describeBrokerConfigs(brokerId: Int32) -> [ConfigEntry] {
        BrokerConfigCatalog.entries(options: options, brokerId: brokerId).map { entry in
            let source: ConfigSource = entry.kafkaDefault == entry.value ? .defaultConfig : .staticBrokerConfig
            return ConfigEntry(name: entry.name, value: entry.value, source: source, isSensitive: false, isReadOnly: true,
                               type: entry.type, synonyms: [ConfigSynonym(name: entry.name, value: entry.value, source: source)],
                               documentation: entry.documentation)
        }
    }
}

/// The broker configs `describeBrokerConfigs` reports.
enum BrokerConfigCatalog {
    struct Entry {
        var name: String
        var type: ConfigType
        var value: String
        /// Kafka's default; nil when Kafka has none (the value is always "set").
        var kafkaDefault: String?
        var documentation: String
    }

    static func entries(options: ClusterOptions, brokerId: Int32) -> [Entry] {
        let cluster = options.cluster, replication = options.replication, groups = options.groups
        var entries: [Entry] = [
            Entry(name: "node.id", type: .int, value: String(brokerId), kafkaDefault: nil,
                  documentation: "This broker's id."),
            Entry(name: "broker.id", type: .int, value: String(brokerId), kafkaDefault: "-1",
                  documentation: "This broker's id (the same as node.id)."),
            Entry(name: "log.dirs", type: .string, value: options.dataDirectory + "/broker-\(brokerId)", kafkaDefault: nil,
                  documentation: "The directory holding this broker's partition logs."),
            Entry(name: "auto.create.topics.enable", type: .boolean, value: String(cluster.autoCreateTopicsEnable),
                  kafkaDefault: "true", documentation: "Whether Metadata and Produce create unknown topics."),
            Entry(name: "num.partitions", type: .int, value: String(cluster.numPartitions), kafkaDefault: "1",
                  documentation: "The partitions of a topic created without a partition count."),
            Entry(name: "default.replication.factor", type: .int, value: String(cluster.defaultReplicationFactor),
                  kafkaDefault: "1", documentation: "The replication factor of a topic created without one."),
            Entry(name: "unclean.leader.election.enable", type: .boolean, value: String(cluster.uncleanLeaderElectionEnable),
                  kafkaDefault: "false", documentation: "Whether a replica outside the ISR may become leader as a last resort."),
            Entry(name: "broker.session.timeout.ms", type: .int, value: String(cluster.brokerSessionTimeoutMs),
                  kafkaDefault: "9000", documentation: "A broker that does not heartbeat for this long is fenced."),
            Entry(name: "broker.heartbeat.interval.ms", type: .int, value: String(options.heartbeatIntervalMs),
                  kafkaDefault: "2000", documentation: "How often a broker heartbeats to the controller."),
            Entry(name: "auto.leader.rebalance.enable", type: .boolean, value: String(cluster.autoLeaderRebalanceEnable),
                  kafkaDefault: "true", documentation: "Whether preferred leaders are restored periodically."),
            Entry(name: "leader.imbalance.check.interval.seconds", type: .long,
                  value: String(cluster.leaderImbalanceCheckIntervalMs / 1000), kafkaDefault: "300",
                  documentation: "How often the controller restores preferred leaders."),
            Entry(name: "replica.lag.time.max.ms", type: .long, value: String(replication.replicaLagTimeMaxMs),
                  kafkaDefault: "30000", documentation: "A follower not caught up for this long leaves the ISR."),
            Entry(name: "replica.fetch.max.bytes", type: .int, value: String(replication.replicaFetchMaxBytes),
                  kafkaDefault: "1048576", documentation: "The most a follower fetches per partition and round."),
            Entry(name: "replica.fetch.wait.max.ms", type: .int, value: String(replication.replicaFetchWaitMaxMs),
                  kafkaDefault: "500", documentation: "How long an idle follower waits before fetching again."),
            Entry(name: "replica.high.watermark.checkpoint.interval.ms", type: .long,
                  value: String(replication.highWatermarkCheckpointIntervalMs), kafkaDefault: "5000",
                  documentation: "How often high watermarks are written to disk."),
            Entry(name: "offsets.topic.num.partitions", type: .int, value: String(options.offsetsTopicPartitions),
                  kafkaDefault: "50", documentation: "The partitions of __consumer_offsets."),
            Entry(name: "offsets.topic.replication.factor", type: .short, value: String(options.offsetsTopicReplicationFactor),
                  kafkaDefault: "3", documentation: "The replication factor of __consumer_offsets."),
            Entry(name: "log.retention.check.interval.ms", type: .long, value: String(options.retentionCheckIntervalMs),
                  kafkaDefault: "300000", documentation: "How often logs are checked for segments to delete."),
            Entry(name: "group.initial.rebalance.delay.ms", type: .int, value: String(groups.initialRebalanceDelayMs),
                  kafkaDefault: "3000", documentation: "How long a new group waits for more members before its first rebalance."),
            Entry(name: "group.min.session.timeout.ms", type: .int, value: String(groups.minSessionTimeoutMs),
                  kafkaDefault: "6000", documentation: "The shortest session timeout a group member may ask for."),
            Entry(name: "group.max.session.timeout.ms", type: .int, value: String(groups.maxSessionTimeoutMs),
                  kafkaDefault: "1800000", documentation: "The longest session timeout a group member may ask for."),
            Entry(name: "group.max.size", type: .int, value: String(groups.maxGroupSize), kafkaDefault: String(Int32.max),
                  documentation: "The most members a consumer group may have."),
            Entry(name: "offsets.retention.minutes", type: .int, value: String(groups.offsetsRetentionMs / 60_000),
                  kafkaDefault: "10080", documentation: "How long committed offsets of an empty group are kept."),
            Entry(name: "offsets.retention.check.interval.ms", type: .long,
                  value: String(groups.offsetsRetentionCheckIntervalMs), kafkaDefault: "600000",
                  documentation: "How often expired committed offsets are looked for."),
            Entry(name: "offset.metadata.max.bytes", type: .int, value: String(groups.offsetMetadataMaxBytes),
                  kafkaDefault: "4096", documentation: "The largest metadata string an offset commit may carry."),
        ]
        // The topic configs' broker-level defaults (`log.retention.hours`, `message.max.bytes`, …).
        let listed = Set(entries.map(\.name))
        let defaults = TopicConfigCatalog.defaults(cluster: cluster)
        let kafkaDefaults = TopicConfigCatalog.defaults(cluster: ClusterConfig())
        for topicConfig in TopicConfigCatalog.brokerSynonyms.keys.sorted() {
            guard let synonym = TopicConfigCatalog.brokerSynonym(topicConfig, value: defaults[topicConfig]),
                  !listed.contains(synonym.name), let value = synonym.value else { continue }
            let documentation = TopicConfigCatalog.documentation[topicConfig].map { "\($0) (Default of topic config \(topicConfig).)" }
            entries.append(Entry(name: synonym.name, type: TopicConfigCatalog.brokerSynonymType(of: topicConfig), value: value,
                                 kafkaDefault: TopicConfigCatalog.brokerSynonym(topicConfig, value: kafkaDefaults[topicConfig])?.value,
                                 documentation: documentation ?? "The default of topic config \(topicConfig)."))
        }
        return entries.sorted { $0.name < $1.name }
    }
}
