import KafkaProtocol

/// Which offset ListOffsets looks up.
public enum OffsetSpec: Hashable, Sendable {
    /// The log start offset.
    case earliest
    /// The offset the next record will get (the high watermark for read_uncommitted).
    case latest
    /// The first offset whose timestamp is at or after this many ms since the epoch.
    case timestamp(Int64)

    /// The request's timestamp field: -2 earliest, -1 latest, else the time.
    var requestTimestamp: Int64 {
        switch self {
        case .earliest: -2
        case .latest: -1
        case .timestamp(let ms): ms
        }
    }
}

/// A ListOffsets answer for one partition. `offset` is nil when no record is at or after
/// the timestamp asked for.
public struct ListedOffset: Hashable, Sendable {
    public var offset: Int64?
    public var timestamp: Int64
    public var leaderEpoch: Int32
}

extension KafkaClient {
    /// Looks up offsets by spec, one request per leader, retried on retriable errors.
    public func listOffsets(_ specs: [TopicAndPartition: OffsetSpec],
                            isolation: FetchIsolation = .readUncommitted) async throws(KafkaClientError) -> [TopicAndPartition: ListedOffset] {
        guard !specs.isEmpty else { return [:] }
        return try await retrying(except: [.unknownTopicOrPartition]) { () async throws(KafkaClientError) -> [TopicAndPartition: ListedOffset] in
            var results: [TopicAndPartition: ListedOffset] = [:]
            for (leader, partitions) in try await self.partitionsByLeader(specs.keys.sorted()) {
                let connection = try await self.connection(toBroker: leader)
                var topics: [ListOffsetsRequest.ListOffsetsTopic] = []
                for partition in partitions {
                    let entry = ListOffsetsRequest.ListOffsetsPartition(partitionIndex: partition.partition,
                                                                         timestamp: specs[partition]!.requestTimestamp)
                    if let index = topics.firstIndex(where: { $0.name == partition.topic }) {
                        topics[index].partitions.append(entry)
                    } else {
                        topics.append(ListOffsetsRequest.ListOffsetsTopic(name: partition.topic, partitions: [entry]))
                    }
                }
                let response = try await connection.send(
                    ListOffsetsRequest(replicaId: -1, isolationLevel: isolation.rawValue, topics: topics))
                for partition in partitions {
                    guard let answer = response.topics.first(where: { $0.name == partition.topic })?
                        .partitions.first(where: { $0.partitionIndex == partition.partition }) else {
                        throw .malformedResponse(address: connection.address.description, api: "ListOffsets",
                                                 reason: "no answer for \(partition)")
                    }
                    try KafkaClientError.check(answer.errorCode, "listing offsets of \(partition)")
                    results[partition] = ListedOffset(offset: answer.offset < 0 ? nil : answer.offset,
                                                      timestamp: answer.timestamp, leaderEpoch: answer.leaderEpoch)
                }
            }
            return results
        }
    }

    /// Offsets of every partition of `topic` by one spec.
    public func listOffsets(topic: String, spec: OffsetSpec) async throws(KafkaClientError) -> [Int32: ListedOffset] {
        let metadata = try await topicMetadata(topic)
        let specs = Dictionary(uniqueKeysWithValues: metadata.partitions.map { (TopicAndPartition(topic, $0.partition), spec) })
        let listed = try await listOffsets(specs)
        return Dictionary(uniqueKeysWithValues: listed.map { ($0.key.partition, $0.value) })
    }
}
