import BrokerEngine
import KafkaProtocol
import LogStore
import NIOCore

/// Fetch (1) for consumers: whole batches as stored on disk, up to the high watermark, with
/// `min.bytes`/`max.wait.ms` long polling done by the engine's delayed fetches.
///
/// Served up to v12: v13+ identify topics by id (KIP-516) and librdkafka 2.16 switches to
/// them when offered. Fetch sessions (KIP-227) are not kept: every answer has session id 0,
/// which tells the client to send full requests.
struct FetchHandler: ApiHandler {
    typealias Request = FetchRequest
    typealias Response = FetchResponse
    let versions: ClosedRange<Int16> = 4...12

    func handle(_ request: FetchRequest, context: RequestContext) async -> FetchResponse? {
        var response = Response(sessionId: 0)
        // An incremental fetch names a session we never created.
        if request.sessionId != 0 && request.sessionEpoch > 0 {
            response.errorCode = KafkaError.fetchSessionIdNotFound.code
            return response
        }
        var wanted: [FetchPartitionRequest] = []
        for topic in request.topics {
            for partition in topic.partitions {
                wanted.append(FetchPartitionRequest(
                    topicPartition: TopicPartition(topic.topic, partition.partition), fetchOffset: partition.fetchOffset,
                    currentLeaderEpoch: partition.currentLeaderEpoch, maxBytes: Int(max(partition.partitionMaxBytes, 0))))
            }
        }
        var data: [TopicPartition: FetchPartitionData] = [:]
        if let broker = context.runningBroker {
            let isolation: IsolationLevel = request.isolationLevel == 1 ? .readCommitted : .readUncommitted
            let maxBytes = context.apiVersion >= 3 ? Int(max(request.maxBytes, 0)) : Int.max
            let fetched = await broker.replicaManager.fetch(
                wanted, maxWaitMs: Int64(max(request.maxWaitMs, 0)), minBytes: Int(max(request.minBytes, 0)),
                maxBytes: maxBytes, isolation: isolation)
            for partition in fetched { data[partition.topicPartition] = partition }
        }
        for topic in request.topics {
            var answer = Response.FetchableTopicResponse(topic: topic.topic)
            for partition in topic.partitions {
                let tp = TopicPartition(topic.topic, partition.partition)
                answer.partitions.append(partitionData(tp, data[tp], isolation: request.isolationLevel, context: context))
            }
            response.responses.append(answer)
        }
        return response
    }

    private func partitionData(_ tp: TopicPartition, _ fetched: FetchPartitionData?, isolation: Int8,
                               context: RequestContext) -> Response.PartitionData {
        var result = Response.PartitionData(partitionIndex: tp.partition, highWatermark: -1, records: ByteBuffer())
        guard let fetched else {
            result.errorCode = KafkaError.notLeaderOrFollower.code
            addCurrentLeader(&result, tp, context)
            return result
        }
        result.highWatermark = fetched.highWatermark
        result.lastStableOffset = fetched.lastStableOffset
        result.logStartOffset = fetched.logStartOffset
        // read_committed readers get the (empty, until transactions exist) aborted list.
        result.abortedTransactions = isolation == 1 ? [] : nil
        if let error = fetched.error {
            result.errorCode = error.kafkaError.code
            if result.errorCode == KafkaError.notLeaderOrFollower.code || result.errorCode == KafkaError.fencedLeaderEpoch.code {
                addCurrentLeader(&result, tp, context)
            }
        } else {
            result.records = fetched.records
        }
        return result
    }

    private func addCurrentLeader(_ result: inout Response.PartitionData, _ tp: TopicPartition, _ context: RequestContext) {
        guard context.apiVersion >= 12, let leader = context.currentLeader(tp) else { return }
        result.currentLeader = .init(leaderId: leader.id, leaderEpoch: leader.epoch)
    }
}
