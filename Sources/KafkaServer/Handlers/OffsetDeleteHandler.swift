import BrokerEngine
import KafkaProtocol
import LogStore

/// OffsetDelete (47), v0 (KIP-496): removes a group's committed offsets.
///
/// Group-level errors go in the top-level `ErrorCode` with no topics: INVALID_GROUP_ID,
/// NOT_COORDINATOR, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (a non-`consumer` group with
/// members). Per partition: UNKNOWN_TOPIC_OR_PARTITION for a topic the cluster does not
/// know (Kafka's metadata check), GROUP_SUBSCRIBED_TO_TOPIC for a topic the group's active
/// members subscribe to. Other partitions are deleted, or had nothing to delete.
struct OffsetDeleteHandler: ApiHandler {
    typealias Request = OffsetDeleteRequest
    var versions: ClosedRange<Int16> { 0...0 }

    func handle(_ request: OffsetDeleteRequest, context: RequestContext) async -> OffsetDeleteResponse? {
        if request.groupId.isEmpty { return OffsetDeleteResponse(errorCode: KafkaError.invalidGroupId.code) }
        if let error = context.notCoordinatorError(forGroup: request.groupId) {
            return OffsetDeleteResponse(errorCode: error.code)
        }
        let image = context.cluster.controller.image
        var errors: [TopicPartition: KafkaError] = [:]
        var partitions: [TopicPartition] = []
        for topic in request.topics {
            let known = image.topic(named: topic.name) != nil
            for partition in topic.partitions {
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                if known { partitions.append(tp) } else { errors[tp] = .unknownTopicOrPartition }
            }
        }
        switch context.cluster.groups.deleteOffsets(groupId: request.groupId, partitions: partitions) {
        case .failure(let error):
            return OffsetDeleteResponse(errorCode: error.kafkaError.code)
        case .success(let result):
            for (tp, error) in result.partitionErrors { errors[tp] = error.kafkaError }
        }
        return OffsetDeleteResponse(errorCode: KafkaError.none.code, topics: request.topics.map { topic in
            .init(name: topic.name, partitions: topic.partitions.map {
                .init(partitionIndex: $0.partitionIndex,
                      errorCode: (errors[TopicPartition(topic.name, $0.partitionIndex)] ?? .none).code)
            })
        })
    }
}
