import KafkaProtocol
import NIOCore

/// `acks`: how many replicas must have a batch before the leader answers.
public enum Acks: Int16, Sendable, Hashable {
    /// No answer at all; offsets are unknown.
    case none = 0
    /// The leader has it.
    case leader = 1
    /// Every in-sync replica has it (`-1`, `all`).
    case all = -1

    /// `all`, `-1`, `1` or `0`, as `kafka-console-producer.sh --request-required-acks` takes.
    public init?(name: String) {
        switch name.lowercased() {
        case "all", "-1": self = .all
        case "1": self = .leader
        case "0": self = .none
        default: return nil
        }
    }
}

public struct ProduceOptions: Sendable {
    public var acks: Acks = .all
    public var compression: CompressionCodec = .none
    /// How long the leader may wait for replicas (the request's `timeoutMs`).
    public var ackTimeout: Duration = .seconds(30)
    public var partitioner: PartitionerKind = .default
    /// Ask the broker to create a missing topic (it decides, by `auto.create.topics.enable`).
    public var allowAutoTopicCreation = true
    /// A batch is closed when its records reach this many bytes (before compression).
    public var maxBatchBytes = 512 * 1024

    public init(acks: Acks = .all, compression: CompressionCodec = .none) {
        self.acks = acks
        self.compression = compression
    }
}

/// Where one batch went.
public struct ProduceResult: Sendable, Hashable {
    public var topicPartition: TopicAndPartition
    /// The first record's offset; -1 with acks=0.
    public var baseOffset: Int64
    public var recordCount: Int
    /// The broker's time for LogAppendTime topics, else -1.
    public var logAppendTime: Int64
}

extension KafkaClient {
    /// Produces `records` to `topic`: each goes to its own partition, else the options'
    /// partitioner's; records are batched per partition in order, each batch compressed
    /// with `options.compression`, and sent to the partition's leader. Batches failing
    /// with a retriable error (NOT_LEADER_OR_FOLLOWER, …) are resent after a metadata
    /// refresh, a bounded number of times. Returns one result per batch.
    @discardableResult
    public func produce(_ records: [ProducerRecord], to topic: String,
                        options: ProduceOptions = ProduceOptions()) async throws(KafkaClientError) -> [ProduceResult] {
        guard !records.isEmpty else { return [] }
        let metadata = try await topicMetadata(topic, allowAutoTopicCreation: options.allowAutoTopicCreation)
        let partitionCount = metadata.partitions.count
        guard partitionCount > 0 else { throw .kafka(.leaderNotAvailable, context: "topic '\(topic)' has no partitions", message: nil) }

        // Partition every record, then cut each partition's records into batches.
        var byPartition: [Int32: [ProducerRecord]] = [:]
        var order: [Int32] = []
        let sticky = nextStickyPartition(topic, partitionCount: partitionCount)
        for record in records {
            let partition = try choosePartition(record, topic: topic, partitionCount: partitionCount,
                                                kind: options.partitioner, sticky: sticky)
            if byPartition[partition] == nil { order.append(partition) }
            byPartition[partition, default: []].append(record)
        }
        var queues: [Int32: [[ProducerRecord]]] = [:]
        for partition in order {
            queues[partition] = Self.batches(byPartition[partition]!, maxBytes: options.maxBatchBytes)
        }

        var results: [ProduceResult] = []
        var attempt = 0
        // Each round sends the next batch of every partition (Kafka takes one batch per
        // partition per request), one request per leader.
        while queues.values.contains(where: { !$0.isEmpty }) {
            let heads = order.compactMap { p -> (TopicAndPartition, [ProducerRecord])? in
                guard let head = queues[p]?.first else { return nil }
                return (TopicAndPartition(topic, p), head)
            }
            let outcome = try await sendRound(heads, options: options)
            results += outcome.done
            for result in outcome.done { queues[result.topicPartition.partition]?.removeFirst() }
            if let retriable = outcome.retriable {
                attempt += 1
                guard attempt <= configuration.retries else { throw retriable }
                invalidateMetadata()
                try? await Task.sleep(for: configuration.retryBackoff * min(attempt, 10))
            }
        }
        return results
    }

    private func choosePartition(_ record: ProducerRecord, topic: String, partitionCount: Int, kind: PartitionerKind,
                                 sticky: Int32) throws(KafkaClientError) -> Int32 {
        if let explicit = record.partition {
            guard explicit >= 0, Int(explicit) < partitionCount else {
                throw .kafka(.unknownTopicOrPartition, context: "topic '\(topic)' partition \(explicit)",
                             message: "the topic has \(partitionCount) partitions")
            }
            return explicit
        }
        if let key = record.key { return Murmur2.partition(forKey: key, partitionCount: partitionCount) }
        switch kind {
        case .default:
            return sticky
        case .roundRobin:
            let next = roundRobinCounters[topic, default: Int.random(in: 0..<partitionCount)]
            roundRobinCounters[topic] = next &+ 1
            return Int32(next % partitionCount)
        }
    }

    /// The partition records without keys stick to in this call; the next call moves on.
    private func nextStickyPartition(_ topic: String, partitionCount: Int) -> Int32 {
        let current = stickyPartitions[topic].map { ($0 + 1) % Int32(partitionCount) } ?? Int32.random(in: 0..<Int32(partitionCount))
        stickyPartitions[topic] = current
        return current
    }

    static func batches(_ records: [ProducerRecord], maxBytes: Int) -> [[ProducerRecord]] {
        var batches: [[ProducerRecord]] = []
        var current: [ProducerRecord] = []
        var size = 0
        for record in records {
            let estimate = 24 + (record.key?.count ?? 0) + (record.value?.count ?? 0)
                + record.headers.reduce(0) { $0 + 8 + $1.key.utf8.count + ($1.value?.count ?? 0) }
            if !current.isEmpty && size + estimate > maxBytes {
                batches.append(current)
                current = []
                size = 0
            }
            current.append(record)
            size += estimate
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    static func encodeBatch(_ records: [ProducerRecord], for tp: TopicAndPartition, now: Int64,
                            compression: CompressionCodec) throws(KafkaClientError) -> ByteBuffer {
        let entries = records.map { record in
            RecordBatch.Entry(key: record.key.map { ByteBuffer(bytes: $0) }, value: record.value.map { ByteBuffer(bytes: $0) },
                              headers: record.headers.map { RecordHeader(key: $0.key, value: $0.value.map { ByteBuffer(bytes: $0) }) },
                              timestamp: record.timestamp ?? now)
        }
        do {
            return try RecordBatch(records: entries).encoded(compression: compression)
        } catch {
            throw .invalidArgument("cannot encode a batch for \(tp): \(error)")
        }
    }

    private struct RoundOutcome {
        var done: [ProduceResult] = []
        var retriable: KafkaClientError?
    }

    /// Sends one batch per partition, grouped by leader, the leaders in parallel.
    private func sendRound(_ heads: [(TopicAndPartition, [ProducerRecord])],
                           options: ProduceOptions) async throws(KafkaClientError) -> RoundOutcome {
        var outcome = RoundOutcome()
        var byLeader: [Int32: [(TopicAndPartition, [ProducerRecord])]] = [:]
        for head in heads {
            do {
                byLeader[try await leader(of: head.0), default: []].append(head)
            } catch where error.isRetriable {
                outcome.retriable = error
            }
        }
        var calls: [ProduceCall] = []
        let now = currentTimeMillis()
        for (leader, partitions) in byLeader {
            var data: [ProduceRequest.PartitionProduceData] = []
            for (tp, records) in partitions {
                data.append(ProduceRequest.PartitionProduceData(
                    index: tp.partition, records: try Self.encodeBatch(records, for: tp, now: now, compression: options.compression)))
            }
            let topic = partitions[0].0.topic
            let request = ProduceRequest(acks: options.acks.rawValue, timeoutMs: Int32(clamping: options.ackTimeout.milliseconds),
                                         topicData: [ProduceRequest.TopicProduceData(name: topic, partitionData: data)])
            let counts = partitions.map { PartitionCount(topicPartition: $0.0, count: $0.1.count) }
            do {
                calls.append(ProduceCall(connection: try await connection(toBroker: leader), request: request, counts: counts))
            } catch {
                calls.append(ProduceCall(failure: error, request: request, counts: counts))
            }
        }

        let acks = options.acks, extra = options.ackTimeout
        let answers = await withTaskGroup(of: ProduceAnswer.self) { group in
            for call in calls {
                group.addTask { await call.perform(acks: acks, extraTimeout: extra) }
            }
            var all: [ProduceAnswer] = []
            for await answer in group { all.append(answer) }
            return all
        }

        for answer in answers {
            let counts = answer.counts.map { ($0.topicPartition, $0.count) }
            switch answer.result {
            case .failure(let error):
                guard error.isRetriable else { throw error }
                outcome.retriable = error
            case .success(nil):
                outcome.done += counts.map { ProduceResult(topicPartition: $0.0, baseOffset: -1, recordCount: $0.1, logAppendTime: -1) }
            case .success(let response?):
                for (tp, count) in counts {
                    let answer = response.responses.first { $0.name == tp.topic }?
                        .partitionResponses.first { $0.index == tp.partition }
                    guard let answer else {
                        throw .malformedResponse(address: "leader of \(tp)", api: "Produce", reason: "no answer for \(tp)")
                    }
                    if answer.errorCode != 0 {
                        let error = KafkaClientError.kafka(KafkaError(code: answer.errorCode), context: "producing to \(tp)",
                                                           message: answer.errorMessage)
                        guard error.isRetriable else { throw error }
                        outcome.retriable = error
                        continue
                    }
                    outcome.done.append(ProduceResult(topicPartition: tp, baseOffset: answer.baseOffset, recordCount: count,
                                                      logAppendTime: answer.logAppendTimeMs))
                }
            }
        }
        return outcome
    }
}

private struct PartitionCount: Sendable {
    var topicPartition: TopicAndPartition
    var count: Int
}

private struct ProduceAnswer: Sendable {
    var result: Result<ProduceResponse?, KafkaClientError>
    var counts: [PartitionCount]
}

/// One Produce request to one leader, or why it could not be sent.
private struct ProduceCall: Sendable {
    var connection: BrokerConnection?
    var failure: KafkaClientError?
    var request: ProduceRequest
    var counts: [PartitionCount]

    init(connection: BrokerConnection? = nil, failure: KafkaClientError? = nil, request: ProduceRequest, counts: [PartitionCount]) {
        self.connection = connection
        self.failure = failure
        self.request = request
        self.counts = counts
    }

    func perform(acks: Acks, extraTimeout: Duration) async -> ProduceAnswer {
        guard let connection else { return ProduceAnswer(result: .failure(failure!), counts: counts) }
        do throws(KafkaClientError) {
            if acks == .none {
                try await connection.sendWithoutResponse(request)
                return ProduceAnswer(result: .success(nil), counts: counts)
            }
            let response = try await connection.send(request, extraTimeout: extraTimeout)
            return ProduceAnswer(result: .success(response), counts: counts)
        } catch {
            return ProduceAnswer(result: .failure(error), counts: counts)
        }
    }
}
