import KafkaProtocol
import LogStore
import NIOCore

/// One partition of a consumer's fetch.
public struct FetchPartitionRequest: Sendable, Equatable {
    public var topicPartition: TopicPartition
    public var fetchOffset: Int64
    /// The leader epoch the client believes current, or -1 (KIP-320).
    public var currentLeaderEpoch: Int32
    public var maxBytes: Int

    public init(topicPartition: TopicPartition, fetchOffset: Int64, currentLeaderEpoch: Int32 = -1, maxBytes: Int = 1_048_576) {
        self.topicPartition = topicPartition
        self.fetchOffset = fetchOffset
        self.currentLeaderEpoch = currentLeaderEpoch
        self.maxBytes = maxBytes
    }
}

/// What a fetch returns for one partition.
public struct FetchPartitionData: Sendable {
    public var topicPartition: TopicPartition
    public var error: ReplicationError?
    public var highWatermark: Int64
    /// Equal to the high watermark until transactions exist (no open transactions).
    public var lastStableOffset: Int64
    public var logStartOffset: Int64
    /// Whole batches, at most up to the high watermark.
    public var records: ByteBuffer
}

public enum IsolationLevel: Sendable, Equatable {
    case readUncommitted, readCommitted
}

extension ReplicaManager {
    /// A consumer fetch (Kafka's `fetchMessages` for a consumer): reads up to each partition's
    /// high watermark from the leader; when fewer than `minBytes` are there it waits up to
    /// `maxWaitMs` for the high watermark to move (a long poll), completed by events.
    ///
    /// The first partition with data is returned whole even when its first batch is larger
    /// than the limits, so a consumer is never stuck (Kafka's `minOneMessage`).
    public func fetch(
        _ requests: [FetchPartitionRequest], maxWaitMs: Int64, minBytes: Int, maxBytes: Int,
        isolation: IsolationLevel = .readUncommitted,
        completion: @escaping @Sendable ([FetchPartitionData]) -> Void
    ) {
        let metered: @Sendable ([FetchPartitionData]) -> Void = { [traffic, brokerId] data in
            for partition in data where partition.records.readableBytes > 0 {
                traffic.recordOut(topic: partition.topicPartition.topic, broker: brokerId,
                                  records: Self.recordCount(partition.records), bytes: partition.records.readableBytes)
            }
            completion(data)
        }
        let first = read(requests, maxBytes: maxBytes)
        let bytes = first.reduce(0) { $0 + $1.records.readableBytes }
        if maxWaitMs <= 0 || bytes >= max(minBytes, 1) || first.contains(where: { $0.error != nil }) || requests.isEmpty {
            return metered(first)
        }
        let operation = DelayedOperation(
            check: { [weak self] in
                guard let self else { return true }
                return self.availableBytes(requests, atLeast: max(minBytes, 1))
            },
            onComplete: { [weak self] _ in metered(self?.read(requests, maxBytes: maxBytes) ?? first) })
        fetchPurgatory.tryCompleteElseWatch(operation, keys: requests.map(\.topicPartition), timeoutMs: maxWaitMs)
    }

    /// `fetch` for async callers.
    public func fetch(_ requests: [FetchPartitionRequest], maxWaitMs: Int64, minBytes: Int, maxBytes: Int,
                      isolation: IsolationLevel = .readUncommitted) async -> [FetchPartitionData] {
        await withCheckedContinuation { continuation in
            fetch(requests, maxWaitMs: maxWaitMs, minBytes: minBytes, maxBytes: maxBytes, isolation: isolation) {
                continuation.resume(returning: $0)
            }
        }
    }

    /// Records in whole batches, from their headers (no decompression).
    static func recordCount(_ records: ByteBuffer) -> Int {
        var count = 0
        var position = records.readerIndex
        while let header = RecordBatchHeader.peek(records, at: position) {
            count += Int(max(header.recordsCount, 0))
            position += header.totalSize
        }
        return count
    }

    func read(_ requests: [FetchPartitionRequest], maxBytes: Int) -> [FetchPartitionData] {
        var remaining = maxBytes
        var anyData = false
        return requests.map { request in
            let tp = request.topicPartition
            guard let partition = partition(tp) else {
                return FetchPartitionData(topicPartition: tp, error: .unknownTopicOrPartition(tp), highWatermark: -1,
                                          lastStableOffset: -1, logStartOffset: -1, records: ByteBuffer())
            }
            let highWatermark = partition.highWatermark
            var data = FetchPartitionData(topicPartition: tp, error: nil, highWatermark: highWatermark,
                                          lastStableOffset: highWatermark, logStartOffset: partition.log.logStartOffset,
                                          records: ByteBuffer())
            do {
                try partition.validate(currentLeaderEpoch: request.currentLeaderEpoch, mustBeLeader: true)
                // An offset between the high watermark and the log end is valid: nothing yet.
                guard request.fetchOffset < highWatermark || request.fetchOffset > partition.log.logEndOffset else { return data }
                let limit = min(request.maxBytes, remaining)
                let result = try partition.log.read(from: request.fetchOffset, maxBytes: max(limit, 0),
                                                    maxOffset: highWatermark, minOneMessage: !anyData)
                data.records = result.records
                data.logStartOffset = result.logStartOffset
                remaining -= result.records.readableBytes
                anyData = anyData || result.records.readableBytes > 0
            } catch let error as ReplicationError {
                data.error = error
            } catch let error as LogStoreError {
                data.error = .log(tp, error)
            } catch {
                data.error = .log(tp, .corruptRecord("\(error)"))
            }
            return data
        }
    }

    /// Whether at least `minBytes` could be returned now, or an error would be: what a
    /// waiting fetch checks on every event for its partitions.
    private func availableBytes(_ requests: [FetchPartitionRequest], atLeast minBytes: Int) -> Bool {
        var total = 0
        for request in requests {
            guard let partition = partition(request.topicPartition), partition.isLeader else { return true }
            let highWatermark = partition.highWatermark
            guard request.fetchOffset < highWatermark else { continue }
            if minBytes <= 1 { return true }
            guard let result = try? partition.log.read(from: request.fetchOffset, maxBytes: minBytes,
                                                       maxOffset: highWatermark, minOneMessage: true) else { return true }
            total += result.records.readableBytes
            if total >= minBytes { return true }
        }
        return false
    }

    /// ListOffsets on the leader: -2 earliest, -1 latest (the high watermark, which is what
    /// consumers may read), -3 max timestamp, otherwise the first record at or after the
    /// timestamp that is below the high watermark. Nil when there is none.
    public func listOffset(_ topicPartition: TopicPartition, timestamp: Int64, currentLeaderEpoch: Int32 = -1)
        throws(ReplicationError) -> TimestampAndOffset? {
        guard let partition = partition(topicPartition) else { throw .unknownTopicOrPartition(topicPartition) }
        try partition.validate(currentLeaderEpoch: currentLeaderEpoch, mustBeLeader: true)
        let highWatermark = partition.highWatermark
        if timestamp == TimestampAndOffset.latest {
            return TimestampAndOffset(timestamp: -1, offset: highWatermark, leaderEpoch: partition.leaderEpoch)
        }
        do {
            guard let found = try partition.log.offsetForTimestamp(timestamp) else { return nil }
            if timestamp == TimestampAndOffset.earliest || timestamp == TimestampAndOffset.earliestLocal { return found }
            return found.offset < highWatermark ? found : nil
        } catch let error as LogStoreError {
            throw .log(topicPartition, error)
        } catch {
            throw .log(topicPartition, .corruptRecord("\(error)"))
        }
    }
}
