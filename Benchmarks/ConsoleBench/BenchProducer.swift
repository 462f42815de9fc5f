import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import NIOCore

/// An in-process producer for the tail benchmark: batches of `recordsPerBatch` records with
/// 100–200 B JSON-like values and short keys, appended round-robin to every partition of a
/// topic through the engine's typed API (`ReplicaManager.appendRecords`, acks=1) from one
/// thread, as fast as the leader takes them.
///
/// The batches are encoded once before timing and handed over again and again (ByteBuffer
/// is copy-on-write): a real producer encodes in its own process, so encoding is not the
/// broker's cost, and on two cores it would otherwise take CPU from the tail being measured.
final class BenchProducer: @unchecked Sendable {
    struct Outcome {
        var records = 0
        var payloadBytes = 0
        var seconds = 0.0
        var failures = 0
        var recordsPerSecond: Double { Double(records) / max(seconds, 1e-9) }
        var megabytesPerSecond: Double { Double(payloadBytes) / max(seconds, 1e-9) / 1e6 }
    }

    static let recordsPerBatch = 100
    static let valueBytes = 100...200
    private let cluster: Cluster
    private let topic: String
    private let partitions: Int32
    /// Distinct pre-encoded batches, cycled through, with their key+value bytes.
    private let batches: [(buffer: ByteBuffer, payloadBytes: Int)]

    init(cluster: Cluster, topic: String, partitions: Int32) throws {
        self.cluster = cluster
        self.topic = topic
        self.partitions = partitions
        var generator = SplitMix64(seed: 0x7a11)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        batches = try (0..<32).map { batchIndex in
            var payload = 0
            let entries = (0..<Self.recordsPerBatch).map { index -> RecordBatch.Entry in
                let key = "user-\(generator.next() % 10_000)"
                let value = Self.value(id: batchIndex * Self.recordsPerBatch + index, generator: &generator)
                payload += key.utf8.count + value.utf8.count
                return RecordBatch.Entry(key: ByteBuffer(string: key), value: ByteBuffer(string: value), timestamp: now)
            }
            return (try RecordBatch(records: entries).encoded(compression: CompressionCodec.none), payload)
        }
    }

    /// A JSON object padded to a length drawn from `valueBytes`, as the view would show.
    private static func value(id: Int, generator: inout SplitMix64) -> String {
        let length = valueBytes.lowerBound + Int(generator.next() % UInt64(valueBytes.count))
        let head = "{\"id\":\(id),\"event\":\"page_view\",\"payload\":\""
        let tail = "\"}"
        let filler = String(repeating: "abcdefghij", count: 20).prefix(max(0, length - head.utf8.count - tail.utf8.count))
        return head + filler + tail
    }

    /// Appends for `seconds`, or until `records` have been appended when given; blocks.
    func run(seconds: Double = .infinity, records limit: Int = .max) throws -> Outcome {
        let leaders = try (0..<partitions).map { p -> ReplicaManager in
            let tp = TopicPartition(topic, p)
            guard let leader = cluster.leader(of: tp) else { throw BenchError("no leader for \(tp)") }
            return leader.replicaManager
        }
        let failures = Counter()
        var outcome = Outcome()
        let start = monotonicSeconds()
        var index = 0
        while outcome.records < limit {
            // Check the clock once per round of partitions, not per batch.
            if index % Int(partitions) == 0, monotonicSeconds() - start >= seconds { break }
            let p = Int32(index % Int(partitions))
            let batch = batches[index % batches.count]
            // acks=1 completes on this thread once the leader has written the batch.
            leaders[Int(p)].appendRecords(TopicPartition(topic, p), records: batch.buffer, requiredAcks: 1, timeoutMs: 30_000) {
                if case .failure = $0 { failures.add(1) }
            }
            outcome.records += Self.recordsPerBatch
            outcome.payloadBytes += batch.payloadBytes
            index += 1
        }
        outcome.seconds = monotonicSeconds() - start
        outcome.failures = failures.value
        if outcome.failures > 0 { throw BenchError("\(outcome.failures) produce requests to \(topic) failed") }
        return outcome
    }

    /// `run(seconds:)` on its own thread; `wait()` on the result returns the outcome.
    func start(seconds: Double) -> PendingOutcome {
        let pending = PendingOutcome()
        let thread = Thread { pending.finish(Result { try self.run(seconds: seconds) }) }
        thread.name = "bench-producer"
        thread.start()
        return pending
    }
}

/// The result of a producer running on its own thread.
final class PendingOutcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<BenchProducer.Outcome, any Error>?

    func finish(_ result: Result<BenchProducer.Outcome, any Error>) {
        self.result = result
        done.signal()
    }

    func wait() throws -> BenchProducer.Outcome {
        done.wait()
        return try result!.get()
    }
}

/// A count shared between threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}

/// Deterministic pseudo-random numbers, so every run produces the same records.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
