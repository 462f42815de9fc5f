import BrokerEngine
import Foundation
import KafkaClient
import KafkaServer
import Logging

/// A real in-process cluster served on free ports of 127.0.0.1, for the client to talk to
/// over TCP. `stop()` shuts it down and removes its directory.
final class ServedCluster: @unchecked Sendable {
    let root: URL
    let cluster: Cluster
    let server: KafkaServer

    init(brokers: Int = 3) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-client-\(UUID().uuidString)")
        var options = ClusterOptions(dataDirectory: root.path)
        options.brokerCount = brokers
        options.replication.replicaFetchWaitMaxMs = 20
        options.offsetsTopicPartitions = 3
        options.groups.initialRebalanceDelayMs = 0
        let quiet = Logger(label: "client-test") { _ in SwiftLogNoOpLogHandler() }
        cluster = try Cluster(options: options, logger: quiet)
        var configuration = KafkaServerConfiguration(brokerIds: cluster.runningBrokerIds)
        configuration.basePort = 0
        do {
            server = try await KafkaServer.serve(cluster: cluster, configuration: configuration, logger: quiet)
        } catch {
            cluster.shutdown()
            throw error
        }
    }

    var bootstrap: String {
        server.advertisedListeners.sorted { $0.key < $1.key }.map { "\($0.value.host):\($0.value.port)" }.joined(separator: ",")
    }

    /// A client bootstrapping from broker 1 only: it must find the others through Metadata.
    func client(retries: Int = 8) throws -> KafkaClient {
        let first = server.advertisedListeners.sorted { $0.key < $1.key }[0].value
        var configuration = KafkaClientConfiguration(bootstrapServers: [BrokerAddress(host: first.host, port: first.port)])
        configuration.clientId = "client-test"
        configuration.requestTimeout = .seconds(15)
        configuration.retries = retries
        return KafkaClient(configuration: configuration)
    }

    func stop() async {
        await server.shutdown()
        cluster.shutdown()
        try? FileManager.default.removeItem(at: root)
    }
}

/// Runs `body` with a fresh served cluster and a client on it; stops both whatever happens.
func withCluster<T>(brokers: Int = 3, _ body: (ServedCluster, KafkaClient) async throws -> T) async throws -> T {
    let served = try await ServedCluster(brokers: brokers)
    let client: KafkaClient
    do { client = try served.client() } catch {
        await served.stop()
        throw error
    }
    do {
        let result = try await body(served, client)
        await client.close()
        await served.stop()
        return result
    } catch {
        await client.close()
        await served.stop()
        throw error
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

extension Optional where Wrapped == [UInt8] {
    var string: String? { self.map { String(decoding: $0, as: UTF8.self) } }
}
