import BrokerEngine
import KafkaProtocol
import LogStore

/// ListOffsets (2) on the partition leader: -2 earliest, -1 latest (the high watermark, or
/// the last stable offset for read_committed — the same until transactions exist), -3 the
/// record with the largest timestamp, else the first offset at or after a timestamp.
struct ListOffsetsHandler: ApiHandler {
    typealias Request = ListOffsetsRequest
    typealias Response = ListOffsetsResponse
    /// v8+ add -4 (earliest local, KIP-1005) and later tiered-storage queries; not offered.
    let versions: ClosedRange<Int16> = 1...7

    func handle(_ request: ListOffsetsRequest, context: RequestContext) async -> ListOffsetsResponse? {
        let broker = context.runningBroker
        var response = Response()
        for topic in request.topics {
            var answer = Response.ListOffsetsTopicResponse(name: topic.name)
            for partition in topic.partitions {
                var result = Response.ListOffsetsPartitionResponse(partitionIndex: partition.partitionIndex, timestamp: -1, offset: -1)
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                if let broker {
                    do {
                        if let found = try broker.replicaManager.listOffset(tp, timestamp: partition.timestamp,
                                                                             currentLeaderEpoch: partition.currentLeaderEpoch) {
                            result.timestamp = found.timestamp
                            result.offset = found.offset
                            result.leaderEpoch = found.leaderEpoch ?? -1
                        }
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
