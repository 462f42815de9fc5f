import BrokerEngine
import KafkaProtocol
import LogStore

/// OffsetForLeaderEpoch (23): where an epoch ends in the leader's log, so a consumer that
/// saw an older leader can detect truncation (KIP-320). Kafka 4 serves v2+.
struct OffsetForLeaderEpochHandler: ApiHandler {
    typealias Request = OffsetForLeaderEpochRequest
    typealias Response = OffsetForLeaderEpochResponse
    let versions: ClosedRange<Int16> = 2...4

    func handle(_ request: OffsetForLeaderEpochRequest, context: RequestContext) async -> OffsetForLeaderEpochResponse? {
        let broker = context.runningBroker
        var response = Response()
        for topic in request.topics {
            var answer = Response.OffsetForLeaderTopicResult(topic: topic.topic)
            for partition in topic.partitions {
                var result = Response.EpochEndOffset(partition: partition.partition, leaderEpoch: -1, endOffset: -1)
                if let broker {
                    do {
                        let found = try broker.replicaManager.offsetForLeaderEpoch(
                            TopicPartition(topic.topic, partition.partition), currentLeaderEpoch: partition.currentLeaderEpoch,
                            leaderEpoch: partition.leaderEpoch)
                        result.leaderEpoch = found.epoch
                        result.endOffset = found.endOffset
                    } catch {
                        result.errorCode = error.kafkaError.code
                    }
                } else {
                    result.errorCode = KafkaError.notLeaderOrFollower.code
                }
                answer.partitions.append(result)
            }
            response.topics.append(answer)
        }
        return response
    }
}
