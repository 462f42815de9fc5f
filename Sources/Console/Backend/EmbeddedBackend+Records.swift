import BrokerEngine
import Dispatch
import Foundation
import KafkaProtocol
import LogStore
import NIOCore

/// Reading records for the Messages view through the engine's consumer path: a Fetch per
/// leader (`ReplicaManager.fetch`, which reads up to the high watermark and long-polls with
/// delayed operations) and ListOffsets (`ReplicaManager.listOffset`), so the console sees
/// exactly what a Kafka consumer would.
extension EmbeddedBackend {
    public func readRecords(topic: String, from offsets: [Int32: Int64], maxBytes: Int, maxWaitMs: Int) async throws
        -> [Int32: PartitionRecords] {
        guard let image = cluster.controller.image.topic(named: topic) else { throw BackendError("No topic \(topic)") }
        var byLeader: [Int32: [FetchPartitionRequest]] = [:]
        var results: [Int32: PartitionRecords] = [:]
        for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            let leader = image.partitions[partition]?.leader ?? PartitionRegistration.noLeader
            guard leader != PartitionRegistration.noLeader, let broker = cluster.broker(leader) else {
                let reason = image.partitions[partition] == nil ? "no partition \(partition)" : "no leader"
                results[partition] = PartitionRecords(records: [], nextOffset: offset, highWatermark: -1, logStartOffset: -1,
                                                      error: reason)
                continue
            }
            byLeader[broker.id, default: []].append(
                FetchPartitionRequest(topicPartition: TopicPartition(topic, partition), fetchOffset: offset, maxBytes: maxBytes))
        }
        guard !byLeader.isEmpty else { return results }
        let fetched = await fetchFirstAnswer(byLeader, maxBytes: maxBytes, maxWaitMs: maxWaitMs)
        // Decoding (and decompressing) is CPU work: keep it off the cooperative pool too.
        let decoded = await offPool { fetched.map { Self.decode($0, from: offsets[$0.topicPartition.partition] ?? 0) } }
        for partition in decoded { results[partition.0] = partition.1 }
        return results
    }

    public func listOffsets(topic: String, partitions: [Int32], _ query: OffsetQuery) async throws -> [Int32: Int64] {
        try await offPool { [cluster] in
            guard let image = cluster.controller.image.topic(named: topic) else { throw BackendError("No topic \(topic)") }
            var offsets: [Int32: Int64] = [:]
            for partition in partitions {
                guard image.partitions[partition] != nil else { throw BackendError("\(topic) has no partition \(partition)") }
                let tp = TopicPartition(topic, partition)
                guard let replicas = cluster.leader(of: tp)?.replicaManager else { continue }
                switch query {
                case .earliest:
                    offsets[partition] = try? replicas.listOffset(tp, timestamp: TimestampAndOffset.earliest)?.offset
                case .latest:
                    offsets[partition] = replicas.highWatermark(tp)
                case .timestamp(let ms):
                    // No record at or after it: the high watermark (a consumer resetting there starts at the end).
                    let found = try? replicas.listOffset(tp, timestamp: max(0, ms))?.offset
                    offsets[partition] = found ?? replicas.highWatermark(tp)
                }
            }
            return offsets
        }
    }

    /// One Fetch per leader, all started at once on Dispatch workers (the first read is
    /// synchronous disk I/O). Returns when one of them brings records or all have answered,
    /// so an idle leader's long poll does not hold back a busy one; answers that come later
    /// are dropped and their offsets simply read again next time.
    private func fetchFirstAnswer(_ byLeader: [Int32: [FetchPartitionRequest]], maxBytes: Int, maxWaitMs: Int) async
        -> [FetchPartitionData] {
        let brokers = byLeader.compactMap { id, requests in cluster.broker(id).map { ($0, requests) } }
        return await withCheckedContinuation { continuation in
            let gate = FirstAnswerGate(expected: brokers.count, continuation: continuation)
            for (broker, requests) in brokers {
                DispatchQueue.global(qos: .userInitiated).async {
                    broker.replicaManager.fetch(requests, maxWaitMs: Int64(maxWaitMs), minBytes: 1, maxBytes: maxBytes) {
                        gate.deliver($0)
                    }
                }
            }
            if brokers.isEmpty { gate.finish() }
            // The engine times long polls out on its scheduler; this bounds the wait even
            // when that scheduler is driven by hand (tests) or a broker stops mid-poll.
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(maxWaitMs + 250)) { gate.finish() }
        }
    }

    /// One partition's fetched batches as records at or after `fetchOffset` (a batch can
    /// begin before it), without control records.
    static func decode(_ data: FetchPartitionData, from fetchOffset: Int64) -> (Int32, PartitionRecords) {
        let partition = data.topicPartition.partition
        var result = PartitionRecords(records: [], nextOffset: fetchOffset, highWatermark: data.highWatermark,
                                      logStartOffset: data.logStartOffset, error: data.error.map { "\($0)" })
        for raw in RecordBatchSequence(data.records) {
            let batch: RecordBatch
            do { batch = try raw.decode() } catch {
                result.error = "offset \(raw.header.baseOffset): \(error)"
                break
            }
            result.nextOffset = max(result.nextOffset, batch.lastOffset + 1)
            guard !batch.isControl else { continue }
            for record in batch.records where batch.offset(of: record) >= fetchOffset {
                result.records.append(ConsumedRecord(
                    partition: partition, offset: batch.offset(of: record), timestamp: batch.timestamp(of: record),
                    key: record.key.map { Array($0.readableBytesView) }, value: record.value.map { Array($0.readableBytesView) },
                    headers: record.headers.map { .init(key: $0.key, value: $0.value.map { Array($0.readableBytesView) }) }))
            }
        }
        return (partition, result)
    }
}

/// Resumes a continuation once: with the first answer that has records, with everything
/// when the last answer arrives empty, or with what there is when time is up. Thread-safe.
private final class FirstAnswerGate: @unchecked Sendable {
    private let lock = NSLock()
    private var expected: Int
    private var collected: [FetchPartitionData] = []
    private var continuation: CheckedContinuation<[FetchPartitionData], Never>?

    init(expected: Int, continuation: CheckedContinuation<[FetchPartitionData], Never>) {
        self.expected = expected
        self.continuation = continuation
    }

    func deliver(_ data: [FetchPartitionData]) {
        let resume = lock.withLock { () -> (CheckedContinuation<[FetchPartitionData], Never>, [FetchPartitionData])? in
            guard let continuation else { return nil }
            collected += data
            expected -= 1
            let hasRecords = data.contains { $0.records.readableBytes > 0 || $0.error != nil }
            guard hasRecords || expected == 0 else { return nil }
            self.continuation = nil
            return (continuation, collected)
        }
        if let (continuation, data) = resume { continuation.resume(returning: data) }
    }

    /// Resumes with whatever has arrived (nothing, when none has), unless already resumed.
    func finish() {
        let resume = lock.withLock { () -> (CheckedContinuation<[FetchPartitionData], Never>, [FetchPartitionData])? in
            guard let continuation else { return nil }
            self.continuation = nil
            return (continuation, collected)
        }
        if let (continuation, data) = resume { continuation.resume(returning: data) }
    }
}
