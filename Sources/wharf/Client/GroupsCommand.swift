import ArgumentParser
import BrokerEngine
import KafkaClient
import LogStore

/// `wharf groups`: kafka-consumer-groups.sh against any cluster.
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "List, describe and delete consumer groups, and reset their offsets.",
        subcommands: [List.self, Describe.self, Delete.self, ResetOffsets.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every group id, one a line.")
        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            try await runClientCommand("groups list", connection: connection) { client in
                StandardStreams.write(try await client.listGroups().map { $0.groupId + "\n" }.joined())
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a group's offsets and lag per partition, and who consumes them.",
            discussion: """
                Columns: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST \
                CLIENT-ID, as kafka-consumer-groups.sh --describe prints them. LAG is the log end \
                offset (high watermark) minus the committed offset; '-' where there is none.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("group"), help: "A group to describe (repeatable).")
        var groups: [String] = []
        @Flag(name: .customLong("all-groups"), help: "Describe every group.")
        var allGroups = false

        func validate() throws {
            guard allGroups != !groups.isEmpty else { throw ValidationError("Give --group or --all-groups.") }
        }

        func run() async throws {
            try await runClientCommand("groups describe", connection: connection) { client in
                let ids = allGroups ? try await client.listGroups().map(\.groupId) : groups
                var tables: [String] = []
                for id in ids {
                    let description = try await client.describeGroup(id)
                    let committed = try await client.committedOffsets(group: id)
                    if description.state == "Dead" && committed.isEmpty && description.members.isEmpty {
                        throw fail("groups describe", "Consumer group '\(id)' does not exist.")
                    }
                    if description.members.isEmpty {
                        StandardStreams.writeError("Consumer group '\(id)' has no active members.\n")
                    }
                    tables.append(try await Self.table(client, description: description, committed: committed))
                }
                StandardStreams.write(tables.joined(separator: "\n"))
            }
        }

        static func table(_ client: KafkaClient, description: ConsumerGroupDescription,
                          committed: [TopicAndPartition: Int64]) async throws -> String {
            var owners: [TopicAndPartition: ConsumerGroupMember] = [:]
            for member in description.members {
                for partition in member.assignment { owners[partition] = member }
            }
            let partitions = Set(committed.keys).union(owners.keys).sorted()
            let ends = try await client.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.latest) }))
            var rows: [[String]] = partitions.map { partition in
                let current = committed[partition]
                let end = ends[partition]?.offset
                let lag = current.flatMap { c in end.map { max($0 - c, 0) } }
                let owner = owners[partition]
                return [description.groupId, partition.topic, String(partition.partition), current.map(String.init) ?? "-",
                        end.map(String.init) ?? "-", lag.map(String.init) ?? "-",
                        owner?.memberId ?? "-", owner?.clientHost ?? "-", owner?.clientId ?? "-"]
            }
            for member in description.members where member.assignment.isEmpty {
                rows.append([description.groupId, "-", "-", "-", "-", "-", member.memberId, member.clientHost, member.clientId])
            }
            return formatTable(["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                "CONSUMER-ID", "HOST", "CLIENT-ID"], rows)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete groups that have no active members.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("group"), help: "A group to delete (repeatable).")
        var groups: [String] = []

        func validate() throws {
            guard !groups.isEmpty else { throw ValidationError("Missing expected argument '--group <group>'.") }
        }

        func run() async throws {
            try await runClientCommand("groups delete", connection: connection) { client in
                let results = try await client.deleteGroups(groups)
                let failed = groups.compactMap { id in results[id].flatMap { $0 }.map { (id, $0) } }
                guard failed.isEmpty else {
                    let lines = failed.map { "* Group '\($0.0)' could not be deleted due to: \($0.1)" }
                    throw fail("groups delete", "Deletion of some consumer groups failed:\n" + lines.joined(separator: "\n"))
                }
                let names = groups.map { "'\($0)'" }.joined(separator: ", ")
                StandardStreams.write("Deletion of requested consumer groups (\(names)) was successful.\n")
            }
        }
    }

    struct ResetOffsets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-offsets",
            abstract: "Reset a group's committed offsets (a dry run unless --execute).",
            discussion: """
                Prints GROUP TOPIC PARTITION NEW-OFFSET CURRENT-OFFSET for each partition; new \
                offsets are kept inside the log's range. Only a group without active members can \
                be reset: otherwise it says so and exits with status 1. Datetimes are local time \
                unless they end in Z or an offset (2026-01-31T12:00:00.000+01:00); durations are \
                ISO-8601 (PT30M, P1DT2H) back from now.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .customLong("group"), help: "The group whose offsets to reset.")
        var group: String
        @Option(name: .customLong("topic"), help: "TOPIC or TOPIC:P[,P...] (repeatable).")
        var topics: [String] = []
        @Flag(name: .customLong("all-topics"), help: "Every partition the group has an offset for.")
        var allTopics = false
        @Flag(name: .customLong("to-earliest"), help: "To the log start offset.")
        var toEarliest = false
        @Flag(name: .customLong("to-latest"), help: "To the log end offset.")
        var toLatest = false
        @Option(name: .customLong("to-offset"), help: "To this offset.")
        var toOffset: Int64?
        @Option(name: .customLong("to-datetime"), help: "To the first offset at or after YYYY-MM-DDTHH:mm:SS.sss.")
        var toDatetime: String?
        @Option(name: .customLong("by-duration"), help: "To the first offset at or after now minus PnDTnHnMnS.")
        var byDuration: String?
        @Option(name: .customLong("shift-by"), parsing: .unconditional, help: "Move the committed offset by N (negative: back).")
        var shiftBy: Int64?
        @Flag(name: .customLong("execute"), help: "Commit the new offsets.")
        var execute = false
        @Flag(name: .customLong("dry-run"), help: "Only show the new offsets (the default).")
        var dryRun = false

        func strategy() throws -> OffsetResetStrategy {
            var chosen: [OffsetResetStrategy] = []
            if toEarliest { chosen.append(.toEarliest) }
            if toLatest { chosen.append(.toLatest) }
            if let toOffset { chosen.append(.toOffset(toOffset)) }
            if let toDatetime { chosen.append(.toDatetime(try OffsetResetArguments.parseDatetime(toDatetime))) }
            if let byDuration { chosen.append(.byDuration(try OffsetResetArguments.parseDuration(byDuration))) }
            if let shiftBy { chosen.append(.shiftBy(shiftBy)) }
            guard chosen.count == 1 else {
                throw ValidationError("Give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, "
                    + "--by-duration and --shift-by.")
            }
            return chosen[0]
        }

        func validate() throws {
            _ = try strategy()
            _ = try OffsetResetArguments.scope(topics: topics, allTopics: allTopics)
            guard !(execute && dryRun) else { throw ValidationError("Give --execute or --dry-run, not both.") }
        }

        func run() async throws {
            let strategy = try strategy()
            let scope = try OffsetResetArguments.scope(topics: topics, allTopics: allTopics)
            try await runClientCommand("groups reset-offsets", connection: connection) { client in
                let description = try await client.describeGroup(group)
                let state = GroupState(name: description.state) ?? .dead
                guard description.isInactive else {
                    throw fail("groups reset-offsets",
                               "\(GroupError.groupNotInactive(groupId: group, state: state))")
                }
                let committed = try await client.committedOffsets(group: group)
                let nowMs = currentTimeMillis()
                let source = try await WireOffsetSource.load(client, scope: scope, committed: committed,
                                                              strategy: strategy, nowMs: nowMs)
                let plan: OffsetResetPlan
                switch OffsetResetPlan.plan(groupId: group, groupState: state, committed: source.committed, scope: scope,
                                            strategy: strategy, nowMs: nowMs, logs: source) {
                case .success(let planned): plan = planned
                case .failure(let error): throw fail("groups reset-offsets", "\(error)")
                }
                if execute {
                    let offsets = Dictionary(uniqueKeysWithValues: plan.rows.map {
                        (TopicAndPartition($0.topicPartition.topic, $0.topicPartition.partition), $0.newOffset)
                    })
                    do {
                        try await client.commitOffsets(group: group, offsets: offsets)
                    } catch let error as KafkaClientError where error.kafkaError == .unknownMemberId || error.kafkaError == .rebalanceInProgress
                        || error.kafkaError == .illegalGeneration {
                        // A member joined between the check and the commit.
                        throw fail("groups reset-offsets", "the group '\(group)' became active; nothing was reset (\(error))")
                    }
                } else {
                    StandardStreams.writeError("Dry run: nothing was committed; add --execute to reset these offsets.\n")
                }
                let rows = plan.rows.map { row in
                    [group, row.topicPartition.topic, String(row.topicPartition.partition), String(row.newOffset),
                     row.currentOffset.map(String.init) ?? "-"]
                }
                StandardStreams.write(formatTable(["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET", "CURRENT-OFFSET"], rows))
            }
        }
    }
}

/// The offset-reset planner's view of the logs, fetched over the wire first: partitions
/// from Metadata, earliest/latest and (for time strategies) offsets by time from ListOffsets.
struct WireOffsetSource: PartitionOffsetSource {
    var partitionsByTopic: [String: [Int32]] = [:]
    var earliest: [TopicPartition: Int64] = [:]
    var latest: [TopicPartition: Int64] = [:]
    var byTime: [TopicPartition: Int64] = [:]
    var committed: [TopicPartition: Int64] = [:]

    func partitions(ofTopic topic: String) -> [Int32]? { partitionsByTopic[topic] }
    func earliestOffset(_ partition: TopicPartition) -> Int64? { earliest[partition] }
    func latestOffset(_ partition: TopicPartition) -> Int64? { latest[partition] }
    func offsetForTimestamp(_ partition: TopicPartition, timestampMs: Int64) -> Int64? { byTime[partition] }

    static func load(_ client: KafkaClient, scope: OffsetResetScope, committed: [TopicAndPartition: Int64],
                     strategy: OffsetResetStrategy, nowMs: Int64) async throws -> WireOffsetSource {
        var source = WireOffsetSource()
        for (partition, offset) in committed { source.committed[TopicPartition(partition.topic, partition.partition)] = offset }
        var partitions: [TopicAndPartition]
        switch scope {
        case .allTopics:
            partitions = committed.keys.sorted()
        case .topics(let topics):
            partitions = []
            for topic in topics {
                let metadata = try await client.topicMetadata(topic)
                source.partitionsByTopic[topic] = metadata.partitions.map(\.partition)
                partitions += metadata.partitions.map { TopicAndPartition(topic, $0.partition) }
            }
        case .partitions(let chosen):
            partitions = []
            var counts: [String: Int] = [:]
            for partition in chosen {
                if counts[partition.topic] == nil { counts[partition.topic] = try await client.topicMetadata(partition.topic).partitions.count }
                guard Int(partition.partition) < counts[partition.topic]! else {
                    throw KafkaClientError.kafka(.unknownTopicOrPartition, context: "topic '\(partition.topic)' partition \(partition.partition)",
                                                 message: "the topic has \(counts[partition.topic]!) partitions")
                }
                partitions.append(TopicAndPartition(partition.topic, partition.partition))
            }
        }
        guard !partitions.isEmpty else { return source }
        func list(_ spec: OffsetSpec) async throws -> [TopicPartition: Int64] {
            let listed = try await client.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, spec) }))
            var offsets: [TopicPartition: Int64] = [:]
            for (partition, entry) in listed {
                if let offset = entry.offset { offsets[TopicPartition(partition.topic, partition.partition)] = offset }
            }
            return offsets
        }
        source.earliest = try await list(.earliest)
        source.latest = try await list(.latest)
        switch strategy {
        case .toDatetime(let ms): source.byTime = try await list(.timestamp(ms))
        case .byDuration(let ms): source.byTime = try await list(.timestamp(nowMs - ms))
        default: break
        }
        return source
    }
}
