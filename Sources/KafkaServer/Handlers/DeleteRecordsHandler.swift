import BrokerEngine
import KafkaProtocol
import LogStore

/// DeleteRecords (21), v0–2. Sent to each partition's leader (clients group partitions by
/// leader), which moves the partition's log start offset up to `offset` (-1: the high
/// watermark) and answers the new log start offset as the low watermark.
///
/// Per partition: an unknown topic or partition is UNKNOWN_TOPIC_OR_PARTITION; a broker
/// that does not lead it NOT_LEADER_OR_FOLLOWER; a topic whose `cleanup.policy` lacks
/// `delete` POLICY_VIOLATION (Kafka's rule); an offset below 0 or above the high watermark
/// OFFSET_OUT_OF_RANGE. Failed partitions answer low watermark -1.
///
/// Not as Kafka: the answer does not wait for the followers. Kafka's low watermark is the
/// smallest log start offset of the live replicas and the request waits (up to
/// `timeoutMs`) for it to reach the offset; here the leader moves synchronously, wakes its
/// followers, and they move theirs on their next fetch.
struct DeleteRecordsHandler: ApiHandler {
    typealias Request = DeleteRecordsRequest
    typealias PartitionResult = DeleteRecordsResponse.DeleteRecordsPartitionResult
    var versions: ClosedRange<Int16> { 0...2 }

    func handle(_ request: DeleteRecordsRequest, context: RequestContext) async -> DeleteRecordsResponse? {
        let topics = request.topics.map { topic in
            DeleteRecordsResponse.DeleteRecordsTopicResult(name: topic.name, partitions: topic.partitions.map { partition in
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                switch deleteRecords(tp, before: partition.offset, context: context) {
                case .success(let lowWatermark):
                    return PartitionResult(partitionIndex: partition.partitionIndex, lowWatermark: lowWatermark, errorCode: 0)
                case .failure(let error):
                    return PartitionResult(partitionIndex: partition.partitionIndex, lowWatermark: -1, errorCode: error.code)
                }
            })
        }
        return DeleteRecordsResponse(topics: topics)
    }

    private func deleteRecords(_ tp: TopicPartition, before offset: Int64, context: RequestContext) -> Result<Int64, KafkaError> {
        guard let registration = context.cluster.controller.image.partition(tp) else { return .failure(.unknownTopicOrPartition) }
        guard registration.leader == context.brokerId, let replicaManager = context.cluster.broker(context.brokerId)?.replicaManager
        else { return .failure(.notLeaderOrFollower) }
        if let log = replicaManager.logDirectory.partition(tp), !log.config.cleanupPolicy.contains(.delete) {
            return .failure(.policyViolation)
        }
        do {
            return .success(try replicaManager.deleteRecords(tp, before: offset))
        } catch {
            return .failure(Self.kafkaError(error))
        }
    }

    static func kafkaError(_ error: ReplicationError) -> KafkaError {
        switch error {
        case .unknownTopicOrPartition, .notLeaderOrFollower: .notLeaderOrFollower
        case .leaderNotAvailable: .leaderNotAvailable
        case .fencedLeaderEpoch: .fencedLeaderEpoch
        case .unknownLeaderEpoch: .unknownLeaderEpoch
        case .log(_, .offsetOutOfRange): .offsetOutOfRange
        case .log(_, .io): .kafkaStorageError
        default: .unknownServerError
        }
    }
}
