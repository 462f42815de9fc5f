import BrokerEngine
import Dispatch
import LogStore

/// The console's view of the in-process cluster.
///
/// The engine's calls are synchronous and some block for a while (a controlled shutdown
/// waits for leaderships to move, creating a topic appends to the metadata log), so each
/// runs on a Dispatch worker rather than on Swift's small cooperative pool, which the
/// snapshot pump and the demo workload share.
public final class EmbeddedBackend: ClusterBackend {
    public let cluster: Cluster
    public var name: String { "embedded" }

    public init(cluster: Cluster) {
        self.cluster = cluster
    }

    public func snapshot() async throws -> ClusterSnapshot {
        await offPool { [cluster] in cluster.snapshot() }
    }

    public func segments(of partition: TopicPartition) async throws -> [SegmentInfo] {
        await offPool { [cluster] in cluster.segments(of: partition) }
    }

    public func describeConfigs(topic: String) async throws -> [ConfigEntry] {
        try await offPool { [cluster] in try cluster.controller.describeConfigs(topic: topic) }
    }

    public func stopBroker(_ id: Int32, controlled: Bool) async throws {
        try await offPool { [cluster] in
            guard cluster.broker(id) != nil else { throw BackendError("Broker \(id) is not running.") }
            try cluster.stopBroker(id, controlled: controlled)
        }
    }

    public func startBroker(_ id: Int32) async throws {
        try await offPool { [cluster] in
            guard cluster.broker(id) == nil else { throw BackendError("Broker \(id) is already running.") }
            try cluster.startBroker(id)
        }
    }

    public func createTopic(_ topic: NewTopic) async throws {
        try await offPool { [cluster] in
            switch cluster.controller.createTopics([topic])[topic.name] {
            case .failure(let error): throw error
            case .success, nil: return
            }
        }
    }

    public func deleteTopic(_ name: String) async throws {
        try await offPool { [cluster] in _ = try cluster.controller.deleteTopic(name) }
    }

    /// Runs blocking engine work on a Dispatch worker and awaits its result.
    func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}
