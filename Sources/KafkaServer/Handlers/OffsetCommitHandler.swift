import BrokerEngine
import KafkaProtocol
import LogStore

/// OffsetCommit (8), v2-9 (Kafka 4.x serves no v0-1; v10 names topics by id, KIP-848).
///
/// - A member commits with its member id and current generation. Generation -1 with an
///   empty member id is a simple commit (standalone consumer, admin tool), accepted only
///   while the group is Empty or does not exist yet, as in Kafka.
/// - v2-4 `RetentionTimeMs` is ignored: offsets follow `offsets.retention.ms` (KIP-211).
/// - v6+ carries the leader epoch; v7+ static members (`GroupInstanceId`).
/// - Every error is per partition: a partition of a topic the cluster does not know gets
///   UNKNOWN_TOPIC_OR_PARTITION (Kafka's metadata check before the coordinator), and a
///   group-level error (NOT_COORDINATOR, ILLEGAL_GENERATION, …) goes on every other one.
/// - An empty group id is allowed, as Kafka allows it for backwards compatibility.
struct OffsetCommitHandler: ApiHandler {
    typealias Request = OffsetCommitRequest
    var versions: ClosedRange<Int16> { 2...9 }

    func handle(_ request: OffsetCommitRequest, context: RequestContext) async -> OffsetCommitResponse? {
        let version = context.apiVersion
        var errors: [TopicPartition: KafkaError] = [:]
        let image = context.cluster.controller.image
        var offsets: [TopicPartition: OffsetCommit] = [:]
        for topic in request.topics {
            for partition in topic.partitions {
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                guard image.partition(tp) != nil else {
                    errors[tp] = .unknownTopicOrPartition
                    continue
                }
                let epoch = partition.committedLeaderEpoch
                offsets[tp] = OffsetCommit(offset: partition.committedOffset,
                                           leaderEpoch: version >= 6 && epoch >= 0 ? epoch : nil,
                                           metadata: partition.committedMetadata ?? "")
            }
        }
        guard !offsets.isEmpty else { return Self.response(request, errors: errors, otherwise: .none) }
        if let error = context.notCoordinatorError(forGroup: request.groupId) {
            return Self.response(request, errors: errors, otherwise: error)
        }
        let result = context.cluster.groups.commitOffsets(
            groupId: request.groupId, generationId: request.generationIdOrMemberEpoch, memberId: request.memberId,
            groupInstanceId: request.groupInstanceId, offsets: offsets)
        switch result {
        case .success(let committed):
            for (tp, error) in committed.partitionErrors { errors[tp] = error.kafkaError }
            return Self.response(request, errors: errors, otherwise: .none)
        case .failure(let error):
            return Self.response(request, errors: errors, otherwise: error.kafkaError)
        }
    }

    /// One entry per requested partition, in the request's order: its own error, else `otherwise`.
    static func response(_ request: OffsetCommitRequest, errors: [TopicPartition: KafkaError],
                         otherwise: KafkaError) -> OffsetCommitResponse {
        OffsetCommitResponse(topics: request.topics.map { topic in
            OffsetCommitResponse.OffsetCommitResponseTopic(name: topic.name, partitions: topic.partitions.map {
                let error = errors[TopicPartition(topic.name, $0.partitionIndex)] ?? otherwise
                return OffsetCommitResponse.OffsetCommitResponsePartition(partitionIndex: $0.partitionIndex,
                                                                          errorCode: error.code)
            })
        })
    }
}
