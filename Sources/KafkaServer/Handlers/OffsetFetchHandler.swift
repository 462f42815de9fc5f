import BrokerEngine
import KafkaProtocol
import LogStore

/// OffsetFetch (9), v1-9 (Kafka 4.x serves no v0; v10 names topics by id, KIP-848).
///
/// - v1-7 ask for one group (`GroupId`, `Topics`); v8+ for several (`Groups`, KIP-709),
///   each answered with its own error.
/// - Null topics (v2+) mean every partition the group has committed.
/// - A partition without a committed offset answers offset -1, leader epoch -1 and empty
///   metadata with no error (unknown topics included, as in Kafka).
/// - A group-level error (NOT_COORDINATOR) goes on every requested partition in v1, which
///   has no top-level error; in the top-level `ErrorCode` in v2-7; per group in v8+.
/// - `RequireStable` (v7+, KIP-447) is ignored: without transactions no offset is pending.
///   v9's `MemberId`/`MemberEpoch` belong to KIP-848 consumer groups and are ignored too.
/// - An empty group id is allowed, as Kafka allows it for backwards compatibility.
struct OffsetFetchHandler: ApiHandler {
    typealias Request = OffsetFetchRequest
    var versions: ClosedRange<Int16> { 1...9 }

    /// The partitions asked for in one group, by topic; nil for all committed ones.
    typealias Wanted = [(topic: String, partitions: [Int32])]?
    typealias Fetched = [(topic: String, offsets: [FetchedOffset])]

    func handle(_ request: OffsetFetchRequest, context: RequestContext) async -> OffsetFetchResponse? {
        if context.apiVersion >= 8 {
            return OffsetFetchResponse(groups: request.groups.map { group in
                let wanted: Wanted = group.topics.map { $0.map { ($0.name, $0.partitionIndexes) } }
                switch Self.fetch(groupId: group.groupId, wanted, context: context) {
                case .success(let fetched):
                    return OffsetFetchResponse.OffsetFetchResponseGroup(
                        groupId: group.groupId, topics: fetched.map(Self.groupedTopic), errorCode: KafkaError.none.code)
                case .failure(let error):
                    return OffsetFetchResponse.OffsetFetchResponseGroup(groupId: group.groupId, errorCode: error.code)
                }
            })
        }
        let wanted: Wanted = request.topics.map { $0.map { ($0.name, $0.partitionIndexes) } }
        switch Self.fetch(groupId: request.groupId, wanted, context: context) {
        case .success(let fetched):
            return OffsetFetchResponse(topics: fetched.map(Self.topic), errorCode: KafkaError.none.code)
        case .failure(let error) where context.apiVersion < 2:
            // v1 has no top-level error: every requested partition carries it.
            return OffsetFetchResponse(topics: (wanted ?? []).map { topic in
                OffsetFetchResponse.OffsetFetchResponseTopic(name: topic.topic, partitions: topic.partitions.map {
                    .init(partitionIndex: $0, committedOffset: -1, committedLeaderEpoch: -1, metadata: "", errorCode: error.code)
                })
            })
        case .failure(let error):
            return OffsetFetchResponse(errorCode: error.code)
        }
    }

    /// One group's offsets by topic, in the order asked (all committed ones sorted by
    /// topic and partition when `wanted` is nil); NOT_COORDINATOR on the wrong broker.
    static func fetch(groupId: String, _ wanted: Wanted, context: RequestContext) -> Result<Fetched, KafkaError> {
        if let error = context.notCoordinatorError(forGroup: groupId) { return .failure(error) }
        let partitions = wanted.map { $0.flatMap { topic in topic.partitions.map { TopicPartition(topic.topic, $0) } } }
        let offsets = context.cluster.groups.fetchOffsets(groupId: groupId, partitions: partitions)
        guard let wanted else {
            // Everything committed, sorted: consecutive partitions of a topic share an entry.
            var fetched: Fetched = []
            for offset in offsets {
                if let last = fetched.indices.last, fetched[last].topic == offset.topicPartition.topic {
                    fetched[last].offsets.append(offset)
                } else {
                    fetched.append((offset.topicPartition.topic, [offset]))
                }
            }
            return .success(fetched)
        }
        // One answer per partition asked, in order: cut them back into the topics asked.
        var start = offsets.startIndex
        let fetched: Fetched = wanted.map { topic in
            let end = start + topic.partitions.count
            defer { start = end }
            return (topic.topic, Array(offsets[start..<end]))
        }
        return .success(fetched)
    }

    static func topic(_ fetched: (topic: String, offsets: [FetchedOffset])) -> OffsetFetchResponse.OffsetFetchResponseTopic {
        .init(name: fetched.topic, partitions: fetched.offsets.map {
            .init(partitionIndex: $0.topicPartition.partition, committedOffset: $0.offset,
                  committedLeaderEpoch: $0.leaderEpoch ?? -1, metadata: $0.metadata, errorCode: KafkaError.none.code)
        })
    }

    static func groupedTopic(_ fetched: (topic: String, offsets: [FetchedOffset])) -> OffsetFetchResponse.OffsetFetchResponseTopics {
        .init(name: fetched.topic, partitions: fetched.offsets.map {
            .init(partitionIndex: $0.topicPartition.partition, committedOffset: $0.offset,
                  committedLeaderEpoch: $0.leaderEpoch ?? -1, metadata: $0.metadata, errorCode: KafkaError.none.code)
        })
    }
}
