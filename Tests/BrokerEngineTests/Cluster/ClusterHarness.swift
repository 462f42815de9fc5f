import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A real in-process cluster on a temporary data directory. Time (ISR lag, timeouts,
/// heartbeats) is a `ManualScheduler`; replication runs on the brokers' real fetcher
/// threads, so waits poll with a real-time bound.
final class ClusterHarness: @unchecked Sendable {
    let root: URL
    let scheduler = ManualScheduler()
    let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    var cluster: Cluster

    init(brokers: Int = 3, configure: (inout ClusterOptions) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-cluster-\(UUID().uuidString)")
        var options = ClusterOptions(dataDirectory: root.path)
        options.brokerCount = brokers
        options.replication.replicaFetchWaitMaxMs = 20
        options.offsetsTopicPartitions = 3   // Kafka's 50 only slow the tests down
        configure(&options)
        cluster = try Cluster(options: options, scheduler: scheduler, logger: quiet)
    }

    deinit {
        cluster.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    /// Stops the cluster cleanly and opens it again over the same directory.
    func restart() throws {
        let options = cluster.options
        cluster.shutdown()
        cluster = try Cluster(options: options, scheduler: scheduler, logger: quiet)
    }

    /// Records stamped now: producer state expires by record time (`producer.id.expiration.ms`
    /// against the batch's timestamp, as in Kafka), so old timestamps would expire at once.
    static func batch(_ values: [String], producerId: Int64 = -1, epoch: Int16 = -1, sequence: Int32 = -1) -> ByteBuffer {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try! RecordBatch(records: values.map { RecordBatch.Entry(key: nil, value: ByteBuffer(string: $0), timestamp: now) },
                         producerId: producerId, producerEpoch: epoch, baseSequence: sequence)
            .encoded(compression: CompressionCodec.none)
    }

    /// Produces to the current leader and waits (at most 10 s of real time) for the answer.
    func produce(_ tp: TopicPartition, _ values: [String], acks: Int16 = -1, producerId: Int64 = -1, epoch: Int16 = -1,
                 sequence: Int32 = -1) -> Result<LogAppendInfo, ReplicationError>? {
        guard let leader = cluster.leader(of: tp) else { return .failure(.leaderNotAvailable(tp)) }
        let box = NIOLockedValueBox<Result<LogAppendInfo, ReplicationError>?>(nil)
        leader.replicaManager.appendRecords(
            tp, records: Self.batch(values, producerId: producerId, epoch: epoch, sequence: sequence),
            requiredAcks: acks, timeoutMs: 30_000) { result in box.withLockedValue { $0 = result } }
        return Self.wait(seconds: 10) { box.withLockedValue { $0 } }
    }

    /// Polls `value` every 2 ms until it is non-nil or `seconds` pass.
    static func wait<T>(seconds: Double, _ value: () -> T?) -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = value() { return found }
            usleep(2_000)
        }
        return value()
    }

    @discardableResult
    static func waitUntil(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        wait(seconds: seconds) { condition() ? true : nil } ?? false
    }

    /// Every record value in broker `id`'s log of `tp`, in offset order.
    func values(_ tp: TopicPartition, on id: Int32) throws -> [String] {
        guard let log = cluster.broker(id)?.replicaManager.logDirectory.partition(tp) else { return [] }
        var values: [String] = []
        var offset = log.logStartOffset
        while offset < log.logEndOffset {
            var records = try log.read(from: offset, maxBytes: 1 << 20).records
            guard records.readableBytes > 0 else { break }
            while records.readableBytes > 0 {
                let batch = try RecordBatch.decode(from: &records)
                values += batch.records.map { String(buffer: $0.value!) }
                offset = batch.lastOffset + 1
            }
        }
        return values
    }
}

/// Simulated consumers join the cluster's own coordinator, on the harness's clock.
extension ClusterHarness: GroupDriving {
    var coordinator: GroupCoordinator { cluster.groups }
}
