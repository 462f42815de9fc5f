import BrokerEngine
@testable import Console
import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOCore
import Testing

/// A real three-broker cluster in a temporary directory behind an `EmbeddedBackend`, for the
/// tests of the backend, the dialogs and the tail; removed when the value goes.
final class RealCluster {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-console-\(UUID().uuidString)")
    /// Time for the engine's timers: tests advance it themselves (group session timeouts).
    let scheduler = ManualScheduler()
    let cluster: Cluster
    let backend: EmbeddedBackend

    init() throws {
        var options = ClusterOptions(dataDirectory: root.path)
        options.brokerCount = 3
        options.offsetsTopicPartitions = 3
        options.replication.replicaFetchWaitMaxMs = 20
        cluster = try Cluster(options: options, scheduler: scheduler,
                              logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        backend = EmbeddedBackend(cluster: cluster)
    }

    deinit {
        cluster.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    func produce(_ partition: TopicPartition, count: Int) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let batch = try RecordBatch(records: (0..<count).map {
            RecordBatch.Entry(key: nil, value: ByteBuffer(string: "record-\($0)"), timestamp: now)
        }).encoded()
        let leader = try #require(cluster.leader(of: partition))
        let result = await leader.replicaManager.appendRecords(partition, records: batch, requiredAcks: -1, timeoutMs: 10_000)
        _ = try result.get()
    }

    /// Polls snapshots (bounded) until `condition` holds.
    func snapshot(until condition: (ClusterSnapshot) -> Bool) async throws -> ClusterSnapshot {
        let deadline = Date().addingTimeInterval(10)
        while true {
            let snapshot = try await backend.snapshot()
            if condition(snapshot) || Date() > deadline { return snapshot }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
