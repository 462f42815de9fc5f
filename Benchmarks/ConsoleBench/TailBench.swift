import BrokerEngine
import Console
import Foundation
import LogStore
import Logging

/// Tail throughput: how many records a second the Messages view's tail takes in, against
/// what a producer reaches on this machine in the same run.
///
/// One in-process cluster (three brokers, as `wharf console` runs) and a fresh topic per
/// measurement, 4 partitions, replication factor 1 (so the producer's limit is the leader's
/// append, not replication on two cores):
/// 1. the producer alone, nobody reading: the limit;
/// 2. the same producer while a `MessagesView` follows the topic from the end through an
///    `EmbeddedBackend`, and the console loop (`tick()` + `render`) draws 120×40 frames to
///    an off-screen Screen 10 times a second: records the tail received and skipped, the
///    producer's rate, and the frame time with a full ring;
/// 3. the tail's ceiling: a `TailSession` reading a pre-filled topic from the beginning.
enum TailBench {
    static let partitions: Int32 = 4
    static let seconds = 5.0
    static let frameIntervalSeconds = 0.1
    static let frameSize = Size(rows: 40, columns: 120)
    static let targetMs = 10.0
    static let ceilingRecords = 2_000_000

    static func run() throws {
        print("Tail throughput: in-process cluster (3 brokers), topics of \(partitions) partitions, RF 1, values "
              + "\(BenchProducer.valueBytes.lowerBound)–\(BenchProducer.valueBytes.upperBound) B, batches of "
              + "\(BenchProducer.recordsPerBatch), acks=1,")
        print("one producer thread on the engine's API (ReplicaManager.appendRecords), \(Int(seconds)) s per measurement. "
              + "Frames: tick() + render, no tty.")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-tail-bench-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cluster = try Cluster(options: ClusterOptions(dataDirectory: directory),
                                  logger: Logger(label: "wharf.bench") { _ in SwiftLogNoOpLogHandler() })
        defer { cluster.shutdown() }

        let producerAlone = try BenchProducer(cluster: cluster, topic: try createTopic("bench-alone", in: cluster),
                                              partitions: partitions).run(seconds: seconds)
        line("Producer alone (nobody reading)",
             rate(producerAlone.recordsPerSecond) + String(format: "  %6.1f MB/s", producerAlone.megabytesPerSecond), "the limit")

        let tailed = try TailedRun.measure(cluster: cluster, topic: try createTopic("bench-tailed", in: cluster))
        let producer = tailed.producer.recordsPerSecond
        line("Producer while tailed", rate(producer), ratio(producer, producerAlone.recordsPerSecond, "alone"))
        line("Tail received (into the ring), following from the end", rate(tailed.receivedPerSecond),
             ratio(tailed.receivedPerSecond, producer, "producer"))
        line("Tail skipped ahead (sampling): produced - received", rate(tailed.skippedPerSecond),
             ratio(tailed.skippedPerSecond, producer, "producer"))
        let keepsUp = tailed.skippedPerSecond <= 0.01 * producer
        let sampling = keepsUp ? "keeps up"
            : "sampling 1 in \(Int(((tailed.receivedPerSecond + tailed.skippedPerSecond) / max(tailed.receivedPerSecond, 1)).rounded()))"
              + ", the view says " + (tailed.viewSamplingOneIn.map { "1 in \($0)" } ?? "nothing")
        print("Tail sustains \(rate(tailed.receivedPerSecond).trimmingCharacters(in: .whitespaces)) = "
              + String(format: "%.2f", tailed.receivedPerSecond / max(producer, 1)) + "× the producer's rate (\(sampling))")
        if let median = tailed.medianMs, let p99 = tailed.p99Ms {
            line("Messages view \(frameSize.columns)×\(frameSize.rows), full ring, tailing, tick+render",
                 String(format: "median %6.2f ms  p99 %6.2f ms", median, p99),
                 "target ≤ \(Int(targetMs)) ms: " + (p99 <= targetMs ? "PASS" : "MISS")
                 + " (\(tailed.fullFrames) of \(tailed.frames) frames at 10/s)")
            if let cpuMedian = tailed.cpuMedianMs, let cpuP99 = tailed.cpuP99Ms {
                line("  of which CPU on the UI thread (the rest: waiting for a core)",
                     String(format: "median %6.2f ms  p99 %6.2f ms", cpuMedian, cpuP99), "")
            }
        } else {
            print("Messages view frame time: not measured: the ring never filled in \(tailed.frames) frames")
        }

        let alone = MessagesFrameBench.measure()
        line("Messages view \(frameSize.columns)×\(frameSize.rows), full ring replaced every frame, no producer/tail",
             String(format: "median %6.2f ms  p99 %6.2f ms", alone.median, alone.p99),
             "target ≤ \(Int(targetMs)) ms: " + (alone.p99 <= targetMs ? "PASS" : "MISS") + " (\(MessagesFrameBench.frames) frames)")

        let ceiling = try TailCeiling.measure(cluster: cluster, topic: try createTopic("bench-ceiling", in: cluster),
                                              records: ceilingRecords)
        line("Tail ceiling: TailSession from the beginning of \(grouped(ceilingRecords)) records",
             rate(ceiling.recordsPerSecond) + String(format: "  %6.1f MB/s", ceiling.megabytesPerSecond),
             ratio(ceiling.recordsPerSecond, producerAlone.recordsPerSecond, "producer alone"))
    }

    /// Creates `name` and waits (bounded) until every partition has a leader.
    static func createTopic(_ name: String, in cluster: Cluster) throws -> String {
        _ = try cluster.controller.createTopic(name, partitions: partitions, replicationFactor: 1)
        let deadline = monotonicSeconds() + 30
        while (0..<partitions).contains(where: { cluster.leader(of: TopicPartition(name, $0)) == nil }) {
            guard monotonicSeconds() < deadline else { throw BenchError("\(name) has a partition without a leader after 30 s") }
            usleep(10_000)
        }
        return name
    }

    /// `  1,234,567 rec/s`, right-aligned.
    static func rate(_ perSecond: Double) -> String {
        let text = grouped(Int(perSecond.rounded()))
        return String(repeating: " ", count: max(0, 10 - text.count)) + text + " rec/s"
    }

    /// `1,234,567`: exact, unlike the console's `1.2M`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        return String(digits.enumerated().flatMap { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
        })
    }

    static func ratio(_ value: Double, _ limit: Double, _ of: String) -> String {
        String(format: "= %.2f× ", value / max(limit, 1)) + of
    }

    static func line(_ label: String, _ value: String, _ verdict: String) {
        print(label.padding(toLength: 78, withPad: " ", startingAt: 0) + value + "   " + verdict)
    }
}
