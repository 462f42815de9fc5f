import BrokerEngine
import KafkaProtocol
import LogStore
import NIOCore

/// Produce (0): appends each partition's batches on its leader with acks 0/1/all; acks=all
/// waits (a delayed operation in the engine) for the ISR. acks=0 gets no response.
///
/// Advertised from v0 like Kafka 4 (librdkafka ≤ 2.11 turns compression off when Produce's
/// minimum is above 0) but served from v3, the first with record batch v2.
struct ProduceHandler: ApiHandler {
    typealias Request = ProduceRequest
    typealias Response = ProduceResponse
    let versions: ClosedRange<Int16> = 3...11
    var advertisedVersions: ClosedRange<Int16> { 0...11 }

    func handle(_ request: ProduceRequest, context: RequestContext) async -> ProduceResponse? {
        let timeoutMs = Int64(max(request.timeoutMs, 0))
        let broker = context.runningBroker
        var jobs: [(topic: Int, partition: Int, tp: TopicPartition, records: ByteBuffer?)] = []
        for (t, topic) in request.topicData.enumerated() {
            for (p, partition) in topic.partitionData.enumerated() {
                jobs.append((t, p, TopicPartition(topic.name, partition.index), partition.records))
            }
        }
        let results = await withTaskGroup(of: (Int, Response.PartitionProduceResponse).self) { group in
            for (i, job) in jobs.enumerated() {
                group.addTask {
                    (i, await Self.append(job.tp, job.records, acks: request.acks, timeoutMs: timeoutMs, broker: broker))
                }
            }
            var out = [Response.PartitionProduceResponse?](repeating: nil, count: jobs.count)
            for await (i, result) in group { out[i] = result }
            return out
        }
        guard request.acks != 0 else { return nil }

        var response = Response()
        for (t, topic) in request.topicData.enumerated() {
            var answer = Response.TopicProduceResponse(name: topic.name)
            for (i, job) in jobs.enumerated() where job.topic == t {
                var partition = results[i]!
                if partition.errorCode == KafkaError.notLeaderOrFollower.code, context.apiVersion >= 10,
                   let leader = context.currentLeader(job.tp) {
                    partition.currentLeader = .init(leaderId: leader.id, leaderEpoch: leader.epoch)
                }
                answer.partitionResponses.append(partition)
            }
            response.responses.append(answer)
        }
        return response
    }

    static func append(_ tp: TopicPartition, _ records: ByteBuffer?, acks: Int16, timeoutMs: Int64,
                       broker: Broker?) async -> Response.PartitionProduceResponse {
        var result = Response.PartitionProduceResponse(index: tp.partition, baseOffset: -1)
        guard let broker else {
            result.errorCode = KafkaError.notLeaderOrFollower.code
            return result
        }
        guard let records, records.readableBytes > 0 else {
            result.errorCode = KafkaError.corruptMessage.code
            result.errorMessage = "the partition's record set is empty"
            return result
        }
        switch await broker.replicaManager.appendRecords(tp, records: records, requiredAcks: acks, timeoutMs: timeoutMs) {
        case .success(let info):
            result.baseOffset = info.firstOffset
            result.logAppendTimeMs = info.logAppendTime
            result.logStartOffset = info.logStartOffset
        case .failure(let error):
            result.errorCode = error.kafkaError.code
            result.errorMessage = "\(error)"
        }
        return result
    }
}
