import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import LogStore
import Logging

/// A 3-broker cluster served on 127.0.0.1 (free ports) inside the test process, so a
/// scenario can ask for a broker to be stopped through the engine while its clients run.
final class InteropCluster: @unchecked Sendable {
    let root: URL
    let cluster: Cluster
    let server: KafkaServer

    init(brokers: Int = 3) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-interop-\(UUID().uuidString)")
        var options = ClusterOptions(dataDirectory: root.path)
        options.brokerCount = brokers
        // A killed follower leaves the ISR after this long (Kafka: 30 s) so acks=all moves on.
        options.replication.replicaLagTimeMaxMs = 3_000
        options.offsetsTopicPartitions = 10
        options.groups.initialRebalanceDelayMs = 200
        let quiet = Logger(label: "interop") { _ in SwiftLogNoOpLogHandler() }
        cluster = try Cluster(options: options, logger: quiet)
        var configuration = KafkaServerConfiguration(brokerIds: cluster.runningBrokerIds)
        configuration.basePort = 0
        server = try await KafkaServer.serve(cluster: cluster, configuration: configuration, logger: quiet)
    }

    var bootstrap: String {
        server.advertisedListeners.sorted { $0.key < $1.key }.map { "\($0.value.host):\($0.value.port)" }.joined(separator: ",")
    }

    func stop() async {
        await server.shutdown()
        cluster.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    /// Compression codecs of the batches in a partition's leader log.
    func codecs(_ tp: TopicPartition) throws -> Set<String> {
        guard let log = cluster.leader(of: tp)?.replicaManager.logDirectory.partition(tp) else { return [] }
        let read = try log.read(from: log.logStartOffset, maxBytes: 64 << 20)
        return Set(RecordBatchSequence(read.records).compactMap { $0.header.attributes.compression?.name })
    }
}
