import LogStore

/// Offset reset planning and execution, following `kafka-consumer-groups.sh
/// --reset-offsets` (Kafka's `ConsumerGroupCommand.resetOffsets`): pick partitions by
/// scope, compute new offsets by strategy, clamp them into the log's range, and commit
/// them only when the group is inactive. A dry run is the plan alone.

/// What the offset reset reads from the logs; the engine implements it over its
/// partitions, tests with a table.
public protocol PartitionOffsetSource {
    /// The topic's partitions; nil when the topic does not exist.
    func partitions(ofTopic topic: String) -> [Int32]?
    /// The log start offset; nil when the partition does not exist.
    func earliestOffset(_ partition: TopicPartition) -> Int64?
    /// The offset a consumer reads up to (the high watermark); nil when unknown.
    func latestOffset(_ partition: TopicPartition) -> Int64?
    /// The first offset whose timestamp is at or after `timestampMs` (ListOffsets by
    /// time); nil when there is none, and the reset then uses the latest offset.
    func offsetForTimestamp(_ partition: TopicPartition, timestampMs: Int64) -> Int64?
}

/// Which partitions a reset touches.
public enum OffsetResetScope: Hashable, Sendable {
    /// `--all-topics`: every partition the group has a committed offset for.
    case allTopics
    /// `--topic t`: every partition of these topics.
    case topics([String])
    /// `--topic t:0,1`: these partitions.
    case partitions([TopicPartition])
}

/// How new offsets are computed (the tool's `--to-*`, `--by-duration`, `--shift-by`).
public enum OffsetResetStrategy: Hashable, Sendable {
    case toEarliest
    case toLatest
    case toOffset(Int64)
    /// The first offset at or after this time (ms since the epoch).
    case toDatetime(Int64)
    /// The first offset at or after now minus this many milliseconds.
    case byDuration(Int64)
    /// The committed offset plus this (negative moves back).
    case shiftBy(Int64)
}

/// One row of a plan: the `CURRENT-OFFSET` and `NEW-OFFSET` columns of the tool.
public struct OffsetResetRow: Hashable, Sendable {
    public var topicPartition: TopicPartition
    public var currentOffset: Int64?
    public var newOffset: Int64

    public init(topicPartition: TopicPartition, currentOffset: Int64? = nil, newOffset: Int64) {
        self.topicPartition = topicPartition
        self.currentOffset = currentOffset
        self.newOffset = newOffset
    }
}

/// A computed reset. `groupState` is the state when planned, so a preview can warn that
/// executing will be refused.
public struct OffsetResetPlan: Hashable, Sendable {
    public var groupId: String
    public var groupState: GroupState
    public var rows: [OffsetResetRow]

    public init(groupId: String, groupState: GroupState, rows: [OffsetResetRow]) {
        self.groupId = groupId
        self.groupState = groupState
        self.rows = rows
    }
}

extension GroupCoordinator {
    /// Computes a reset without changing anything (the tool's `--dry-run`). Unlike the
    /// tool, planning is allowed for an active group, so the console can preview it;
    /// `executeOffsetReset` is where activity is refused.
    public func planOffsetReset(groupId: String, scope: OffsetResetScope, strategy: OffsetResetStrategy,
                                logs: some PartitionOffsetSource) -> Result<OffsetResetPlan, GroupError> {
        // Read the group under the lock, then the logs without it: the logs take their
        // own partition locks and must not wait behind the coordinator.
        let (state, committed, now) = locked { () -> (GroupState, [TopicPartition: CommittedOffset], Int64) in
            guard let group = groups[groupId] else { return (.dead, [:], nowMs) }
            return (group.state, group.offsets, nowMs)
        }
        return OffsetResetPlan.plan(groupId: groupId, groupState: state, committed: committed.mapValues(\.offset),
                                    scope: scope, strategy: strategy, nowMs: now, logs: logs)
    }

    /// Commits a plan's new offsets as a simple commit. Refused unless the group is Empty
    /// or unknown, with the tool's message ("Assignments can only be reset if the group
    /// '<id>' is inactive, but the current state is Stable.").
    public func executeOffsetReset(_ plan: OffsetResetPlan) -> Result<Void, GroupError> {
        let state = locked { groups[plan.groupId]?.state ?? .dead }
        guard state == .empty || state == .dead else {
            return .failure(.groupNotInactive(groupId: plan.groupId, state: state))
        }
        var offsets: [TopicPartition: OffsetCommit] = [:]
        for row in plan.rows { offsets[row.topicPartition] = OffsetCommit(offset: row.newOffset) }
        switch commitOffsets(groupId: plan.groupId, offsets: offsets) {
        case .success(let result):
            if let (_, error) = result.partitionErrors.first { return .failure(error) }
            return .success(())
        case .failure(.unknownMemberId):
            // A member joined between the check and the commit.
            let now = locked { groups[plan.groupId]?.state ?? .dead }
            return .failure(.groupNotInactive(groupId: plan.groupId, state: now))
        case .failure(let error):
            return .failure(error)
        }
    }
}

extension OffsetResetPlan {
    /// Plans a reset from a group's state and committed offsets and what the logs hold:
    /// the planning half of `GroupCoordinator.planOffsetReset`, kept apart so a client that
    /// fetched the same facts over the wire (`wharf groups reset-offsets` against any
    /// cluster) plans exactly as the coordinator does. `nowMs` anchors `byDuration`.
    public static func plan(groupId: String, groupState: GroupState, committed: [TopicPartition: Int64],
                            scope: OffsetResetScope, strategy: OffsetResetStrategy, nowMs: Int64,
                            logs: some PartitionOffsetSource) -> Result<OffsetResetPlan, GroupError> {
        let partitions: [TopicPartition]
        switch scope {
        case .allTopics:
            partitions = committed.keys.sorted()
        case .topics(let topics):
            var all: [TopicPartition] = []
            for topic in topics {
                guard let ids = logs.partitions(ofTopic: topic) else {
                    return .failure(.unknownTopicOrPartition(TopicPartition(topic, -1)))
                }
                all += ids.sorted().map { TopicPartition(topic, $0) }
            }
            partitions = all
        case .partitions(let chosen):
            partitions = chosen.sorted()
        }
        var rows: [OffsetResetRow] = []
        for partition in partitions {
            guard let earliest = logs.earliestOffset(partition), let latest = logs.latestOffset(partition) else {
                return .failure(.unknownTopicOrPartition(partition))
            }
            let current = committed[partition]
            let target: Int64
            switch strategy {
            case .toEarliest:
                target = earliest
            case .toLatest:
                target = latest
            case .toOffset(let offset):
                target = offset
            case .toDatetime(let timestampMs):
                target = logs.offsetForTimestamp(partition, timestampMs: timestampMs) ?? latest
            case .byDuration(let durationMs):
                target = logs.offsetForTimestamp(partition, timestampMs: nowMs - durationMs) ?? latest
            case .shiftBy(let delta):
                guard let current else { return .failure(.noCommittedOffset(partition)) }
                let (sum, overflow) = current.addingReportingOverflow(delta)
                target = overflow ? (delta < 0 ? Int64.min : Int64.max) : sum
            }
            // The tool's checkOffsetsRange: never before the log start nor past its end.
            let clamped = min(max(target, earliest), max(latest, earliest))
            rows.append(OffsetResetRow(topicPartition: partition, currentOffset: current, newOffset: clamped))
        }
        return .success(OffsetResetPlan(groupId: groupId, groupState: groupState, rows: rows))
    }
}
