import KafkaProtocol
import NIOCore

public enum FetchIsolation: Int8, Sendable, Hashable {
    case readUncommitted = 0
    case readCommitted = 1
}

public struct FetchOptions: Sendable {
    /// How long the broker may hold the request waiting for `minBytes`.
    public var maxWait: Duration = .milliseconds(500)
    public var minBytes: Int32 = 1
    public var maxBytes: Int32 = 50 * 1024 * 1024
    public var partitionMaxBytes: Int32 = 1024 * 1024
    public var isolation: FetchIsolation = .readUncommitted

    public init(maxWait: Duration = .milliseconds(500), minBytes: Int32 = 1) {
        self.maxWait = maxWait
        self.minBytes = minBytes
    }
}

/// What one Fetch returned for one partition.
public struct FetchedPartition: Sendable {
    public var topicPartition: TopicAndPartition
    /// The records at or after the fetch offset, control records left out.
    public var records: [ConsumerRecord]
    /// Where the next fetch starts: past the last batch returned (control batches
    /// included), or the fetch offset when nothing came back.
    public var nextOffset: Int64
    public var highWatermark: Int64
    public var lastStableOffset: Int64
    public var logStartOffset: Int64
    /// The partition's error (OFFSET_OUT_OF_RANGE, NOT_LEADER_OR_FOLLOWER, a lost
    /// connection, …); records are empty then.
    public var error: KafkaClientError?
}

extension KafkaClient {
    /// Fetches from each partition at its offset, one request per leader, the leaders in
    /// parallel. Errors are per partition, in `FetchedPartition.error`; a partition whose
    /// leader changed gets a retriable error and the metadata is refreshed for next time.
    public func fetch(_ offsets: [TopicAndPartition: Int64],
                      options: FetchOptions = FetchOptions()) async throws(KafkaClientError) -> [TopicAndPartition: FetchedPartition] {
        var results: [TopicAndPartition: FetchedPartition] = [:]
        var byLeader: [Int32: [TopicAndPartition]] = [:]
        for partition in offsets.keys.sorted() {
            do {
                byLeader[try await leader(of: partition), default: []].append(partition)
            } catch where error.isRetriable {
                results[partition] = FetchedPartition(failed: partition, offset: offsets[partition]!, error: error)
            }
        }
        var calls: [FetchCall] = []
        for (leader, partitions) in byLeader {
            var topics: [FetchRequest.FetchTopic] = []
            for partition in partitions {
                let entry = FetchRequest.FetchPartition(partition: partition.partition, fetchOffset: offsets[partition]!,
                                                        partitionMaxBytes: options.partitionMaxBytes)
                if let index = topics.firstIndex(where: { $0.topic == partition.topic }) {
                    topics[index].partitions.append(entry)
                } else {
                    topics.append(FetchRequest.FetchTopic(topic: partition.topic, partitions: [entry]))
                }
            }
            let request = FetchRequest(
                replicaId: -1, maxWaitMs: Int32(clamping: options.maxWait.milliseconds), minBytes: options.minBytes,
                maxBytes: options.maxBytes, isolationLevel: options.isolation.rawValue, sessionId: 0, sessionEpoch: -1,
                topics: topics)
            do {
                calls.append(FetchCall(connection: try await connection(toBroker: leader), request: request, partitions: partitions))
            } catch {
                calls.append(FetchCall(failure: error, request: request, partitions: partitions))
            }
        }
        let maxWait = options.maxWait
        let answers = await withTaskGroup(of: FetchAnswer.self) { group in
            for call in calls { group.addTask { await call.perform(extraTimeout: maxWait) } }
            var all: [FetchAnswer] = []
            for await answer in group { all.append(answer) }
            return all
        }
        var sawStaleLeader = false
        for answer in answers {
            switch answer.result {
            case .failure(let error):
                guard error.isRetriable else { throw error }
                sawStaleLeader = true
                for partition in answer.partitions {
                    results[partition] = FetchedPartition(failed: partition, offset: offsets[partition]!, error: error)
                }
            case .success(let response):
                try KafkaClientError.check(response.errorCode, "Fetch")
                for partition in answer.partitions {
                    let data = response.responses.first { $0.topic == partition.topic }?
                        .partitions.first { $0.partitionIndex == partition.partition }
                    let fetched = try Self.decode(data, partition: partition, offset: offsets[partition]!)
                    if fetched.error?.isRetriable == true { sawStaleLeader = true }
                    results[partition] = fetched
                }
            }
        }
        if sawStaleLeader { invalidateMetadata() }
        return results
    }

    /// Fetches one partition from `offset`.
    public func fetch(topic: String, partition: Int32, offset: Int64,
                      options: FetchOptions = FetchOptions()) async throws(KafkaClientError) -> FetchedPartition {
        let key = TopicAndPartition(topic, partition)
        let fetched = try await fetch([key: offset], options: options)[key]!
        if let error = fetched.error { throw error }
        return fetched
    }

    static func decode(_ data: FetchResponse.PartitionData?, partition: TopicAndPartition,
                       offset: Int64) throws(KafkaClientError) -> FetchedPartition {
        guard let data else {
            return FetchedPartition(failed: partition, offset: offset,
                                    error: .kafka(.unknownTopicOrPartition, context: "fetching \(partition)", message: "no answer for it"))
        }
        var fetched = FetchedPartition(topicPartition: partition, records: [], nextOffset: offset, highWatermark: data.highWatermark,
                                       lastStableOffset: data.lastStableOffset, logStartOffset: data.logStartOffset, error: nil)
        guard data.errorCode == 0 else {
            fetched.error = .kafka(KafkaError(code: data.errorCode), context: "fetching \(partition) at offset \(offset)", message: nil)
            return fetched
        }
        guard let records = data.records else { return fetched }
        // read_committed: the broker lists the aborted transactions in range; their
        // batches are skipped from each one's first offset to its ABORT marker (Java's
        // `CompletedFetch` does the same).
        var pendingAborts = (data.abortedTransactions ?? []).sorted { $0.firstOffset < $1.firstOffset }[...]
        var abortedProducers: Set<Int64> = []
        for raw in RecordBatchSequence(records) {
            // A compressed batch may start before the fetch offset; skip what is before it.
            guard raw.header.lastOffset >= offset else { continue }
            fetched.nextOffset = max(fetched.nextOffset, raw.header.nextOffset)
            while let next = pendingAborts.first, next.firstOffset <= raw.header.lastOffset {
                abortedProducers.insert(next.producerId)
                pendingAborts.removeFirst()
            }
            if raw.header.attributes.isControl {
                if abortedProducers.contains(raw.header.producerId),
                   (try? raw.decode())?.controlRecordType == .abort {
                    abortedProducers.remove(raw.header.producerId)
                }
                continue
            }
            if raw.header.attributes.isTransactional && abortedProducers.contains(raw.header.producerId) { continue }
            let batch: RecordBatch
            do {
                batch = try raw.decode()
            } catch {
                throw .corruptRecords(topic: partition.topic, partition: partition.partition, reason: "\(error)")
            }
            for record in batch.records {
                let recordOffset = batch.offset(of: record)
                guard recordOffset >= offset else { continue }
                fetched.records.append(ConsumerRecord(
                    topic: partition.topic, partition: partition.partition, offset: recordOffset,
                    timestamp: batch.timestamp(of: record), timestampType: batch.timestampType,
                    key: record.key.map { Array($0.readableBytesView) }, value: record.value.map { Array($0.readableBytesView) },
                    headers: record.headers.map { KafkaHeader(key: $0.key, value: $0.value.map { Array($0.readableBytesView) }) }))
            }
        }
        return fetched
    }
}

extension FetchedPartition {
    init(failed partition: TopicAndPartition, offset: Int64, error: KafkaClientError) {
        self.init(topicPartition: partition, records: [], nextOffset: offset, highWatermark: -1, lastStableOffset: -1,
                  logStartOffset: -1, error: error)
    }
}

private struct FetchAnswer: Sendable {
    var result: Result<FetchResponse, KafkaClientError>
    var partitions: [TopicAndPartition]
}

private struct FetchCall: Sendable {
    var connection: BrokerConnection?
    var failure: KafkaClientError?
    var request: FetchRequest
    var partitions: [TopicAndPartition]

    init(connection: BrokerConnection? = nil, failure: KafkaClientError? = nil, request: FetchRequest, partitions: [TopicAndPartition]) {
        self.connection = connection
        self.failure = failure
        self.request = request
        self.partitions = partitions
    }

    func perform(extraTimeout: Duration) async -> FetchAnswer {
        guard let connection else { return FetchAnswer(result: .failure(failure!), partitions: partitions) }
        do throws(KafkaClientError) {
            return FetchAnswer(result: .success(try await connection.send(request, extraTimeout: extraTimeout)), partitions: partitions)
        } catch {
            return FetchAnswer(result: .failure(error), partitions: partitions)
        }
    }
}
