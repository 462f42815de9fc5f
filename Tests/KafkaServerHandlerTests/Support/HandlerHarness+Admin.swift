import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore

/// Engine-side shortcuts for the admin handler tests: producing through the partition's
/// leader and looking at the brokers' directories.
extension HandlerHarness {
    enum AdminError: Error { case noLeader(TopicPartition) }

    /// The broker leading `tp` now.
    func leaderId(_ tp: TopicPartition) -> Int32? {
        cluster.controller.image.partition(tp).map(\.leader)
    }

    /// Appends `values` through the leader with acks=all.
    func produce(_ tp: TopicPartition, _ values: [String]) async throws {
        guard let leader = cluster.leader(of: tp) else { throw AdminError.noLeader(tp) }
        _ = try await leader.replicaManager.appendRecords(tp, records: Self.batch(values), requiredAcks: -1,
                                                          timeoutMs: 10_000).get()
    }

    /// The partition directories (`<topic>-<n>`, including ones being deleted) in broker `id`'s directory.
    func partitionDirectories(of topic: String, on id: Int32) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("broker-\(id)").path)) ?? []
        return names.filter { $0.hasPrefix(topic + "-") }
    }
}
