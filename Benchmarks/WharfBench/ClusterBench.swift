import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The in-process cluster: produce throughput with RF=1 against RF=3 `acks=all` (the cost
/// of replication as a ratio), and produce-to-consume latency at a fixed 10,000 records/s
/// with RF=3.
func runClusterBench(directory: String) throws {
    let fm = FileManager.default
    try? fm.removeItem(atPath: directory)
    defer { try? fm.removeItem(atPath: directory) }
    var options = ClusterOptions(dataDirectory: directory)
    options.brokerCount = 3
    let quiet = Logger(label: "wharf.bench") { _ in SwiftLogNoOpLogHandler() }
    let cluster = try Cluster(options: options, logger: quiet)
    defer { cluster.shutdown() }
    try cluster.controller.createTopic("rf1", partitions: 1, replicationFactor: 1)
    try cluster.controller.createTopic("rf3", partitions: 1, replicationFactor: 3, configs: ["min.insync.replicas": "2"])

    // Throughput: 16 × 1 KiB records a batch, 8 produces in flight, acks=all.
    let value = ByteBuffer(bytes: pseudoRandomBytes(count: 1024))
    let batch = try RecordBatch(records: (0..<16).map { _ in
        RecordBatch.Entry(key: nil, value: value, timestamp: Int64(Date().timeIntervalSince1970 * 1000))
    }).encoded(compression: CompressionCodec.none)
    func throughput(_ topic: String, batches: Int) throws -> Double {
        let tp = TopicPartition(topic, 0)
        guard let leader = cluster.leader(of: tp) else { throw BenchError("no leader for \(topic)") }
        let window = DispatchSemaphore(value: 8)
        let done = DispatchGroup()
        let failures = NIOLockedValueBox(0)
        let seconds = timed {
            for _ in 0..<batches {
                window.wait()
                done.enter()
                leader.replicaManager.appendRecords(tp, records: batch, requiredAcks: -1, timeoutMs: 30_000) { result in
                    if case .failure = result { failures.withLockedValue { $0 += 1 } }
                    window.signal()
                    done.leave()
                }
            }
            done.wait()
        }
        if failures.withLockedValue({ $0 }) > 0 { throw BenchError("\(failures.withLockedValue { $0 }) produces failed on \(topic)") }
        return Double(batches * batch.readableBytes) / seconds
    }
    let batches = 8_000   // ~130 MB each
    _ = try throughput("rf1", batches: 500)    // warm-up
    let rf1 = try throughput("rf1", batches: batches)
    let rf3 = try throughput("rf3", batches: batches)
    printResult("produce RF=3 acks=all (16 KiB batches)", String(format: "%8.1f MB/s", rf3 / 1e6),
                limit: String(format: "RF=1 %8.1f MB/s", rf1 / 1e6), ratio: rf3 / rf1,
                verdict: "(no target; replication cost)")

    try runLatencyBench(cluster: cluster, topic: TopicPartition("rf3", 0))
}

/// Records carry their send time; a long-polling consumer on the leader measures when each
/// becomes readable (after the ISR has it: the high watermark).
private func runLatencyBench(cluster: Cluster, topic: TopicPartition) throws {
    guard let leader = cluster.leader(of: topic) else { throw BenchError("no leader for \(topic)") }
    let manager = leader.replicaManager
    let startOffset = manager.highWatermark(topic) ?? 0
    let ratePerSecond = 10_000, recordsPerBatch = 10, seconds = 3
    let total = ratePerSecond * seconds
    let latencies = NIOLockedValueBox([Double]())
    let consumed = DispatchSemaphore(value: 0)

    let consumer = Thread {
        var offset = startOffset
        var received = 0
        while received < total {
            let reply = DispatchSemaphore(value: 0)
            let box = NIOLockedValueBox<[FetchPartitionData]>([])
            manager.fetch([FetchPartitionRequest(topicPartition: topic, fetchOffset: offset)], maxWaitMs: 500, minBytes: 1,
                          maxBytes: 1 << 20) { data in
                box.withLockedValue { $0 = data }
                reply.signal()
            }
            reply.wait()
            let now = monotonicSeconds()
            var records = box.withLockedValue { $0 }.first?.records ?? ByteBuffer()
            while records.readableBytes > 0, let decoded = try? RecordBatch.decode(from: &records) {
                for record in decoded.records {
                    if let sent = record.value?.getInteger(at: record.value!.readerIndex, as: UInt64.self) {
                        latencies.withLockedValue { $0.append(now - Double(bitPattern: sent)) }
                    }
                }
                received += decoded.records.count
                offset = decoded.lastOffset + 1
            }
        }
        consumed.signal()
    }
    consumer.start()

    // Producer: one batch of 10 records every millisecond, paced against the clock.
    let begin = monotonicSeconds()
    for i in 0..<(total / recordsPerBatch) {
        let due = begin + Double(i) / Double(ratePerSecond / recordsPerBatch)
        let wait = due - monotonicSeconds()
        if wait > 0 { usleep(UInt32(wait * 1e6)) }
        let sent = monotonicSeconds().bitPattern
        var value = ByteBuffer()
        value.writeInteger(sent)
        value.writeRepeatingByte(0x61, count: 92)
        let batch = try RecordBatch(records: (0..<recordsPerBatch).map { _ in
            RecordBatch.Entry(key: nil, value: value, timestamp: Int64(Date().timeIntervalSince1970 * 1000))
        }).encoded(compression: CompressionCodec.none)
        manager.appendRecords(topic, records: batch, requiredAcks: -1, timeoutMs: 30_000) { _ in }
    }
    guard consumed.wait(timeout: .now() + .seconds(30)) == .success else { throw BenchError("the consumer did not get every record") }
    let sorted = latencies.withLockedValue { $0 }.sorted()
    func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
    let p50 = percentile(0.50), p99 = percentile(0.99)
    print("produce→consume latency, RF=3, 10k rec/s".padding(toLength: 40, withPad: " ", startingAt: 0)
          + String(format: "p50 %.2f ms  p99 %.2f ms  max %.2f ms over %d records   ", p50, p99, sorted.last! * 1000, sorted.count)
          + verdict(p99 <= 5, "p99 ≤ 5 ms"))
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
