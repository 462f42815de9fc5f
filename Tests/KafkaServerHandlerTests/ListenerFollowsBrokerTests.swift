import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import Logging
import Testing

/// Over real sockets: a broker's listener follows the broker, as a Kafka broker's socket
/// server does. Stopped, its port refuses connections and its connections close; started
/// again, it listens on the same port; the other brokers serve throughout.
@Suite(.timeLimit(.minutes(1))) struct ListenerFollowsBrokerTests {
    /// A 3-broker cluster served on free ports; always shut down, whatever `body` does.
    static func withServedCluster(_ body: (Cluster, KafkaServer) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-listeners-\(UUID().uuidString)")
        var options = ClusterOptions(dataDirectory: root.path)
        options.brokerCount = 3
        options.offsetsTopicPartitions = 3
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let cluster = try Cluster(options: options, logger: quiet)
        var configuration = KafkaServerConfiguration(brokerIds: cluster.runningBrokerIds)
        configuration.basePort = 0
        let server: KafkaServer
        do { server = try await KafkaServer.serve(cluster: cluster, configuration: configuration, logger: quiet) } catch {
            cluster.shutdown()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        do { try await body(cluster, server) } catch {
            await server.shutdown()
            cluster.shutdown()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await server.shutdown()
        cluster.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    static func port(_ server: KafkaServer, _ id: Int32) -> Int { server.advertisedListeners[id]!.port }

    @Test(arguments: [true, false])
    func aStoppedBrokerRefusesConnectionsAndServesAgainOnTheSamePortWhenStarted(controlled: Bool) async throws {
        try await Self.withServedCluster { cluster, server in
            let port2 = Self.port(server, 2)
            let open = try await WireClient.connect(port: port2)
            _ = try await open.send(ApiVersionsRequest(clientSoftwareName: "listener-test", clientSoftwareVersion: "1"), version: 3)

            try cluster.stopBroker(2, controlled: controlled)
            try await open.waitUntilClosed()
            await server.listenerChangesSettled()
            await #expect(throws: (any Error).self) { try await WireClient.connect(port: port2) }

            // The others serve, and their metadata leaves broker 2 out.
            let one = try await WireClient.connect(port: Self.port(server, 1))
            let metadata = try await one.send(MetadataRequest(topics: nil), version: 12)
            #expect(metadata.brokers.map(\.nodeId) == [1, 3])
            #expect(metadata.brokers.map { Int($0.port) } == [Self.port(server, 1), Self.port(server, 3)])

            try cluster.startBroker(2)
            await server.listenerChangesSettled()
            #expect(Self.port(server, 2) == port2, "advertised where it was")
            let again = try await WireClient.connect(port: port2)
            let versions = try await again.send(ApiVersionsRequest(clientSoftwareName: "listener-test", clientSoftwareVersion: "1"), version: 3)
            #expect(versions.errorCode == 0)
            #expect(versions.apiKeys.contains { $0.apiKey == ApiKey.metadata.rawValue })
            let back = try await again.send(MetadataRequest(topics: nil), version: 12)
            #expect(back.brokers.map(\.nodeId) == [1, 2, 3])
            #expect(back.brokers.first { $0.nodeId == 2 }?.port == Int32(port2))
            await again.close()
            await one.close()
        }
    }

    @Test func aStopAndStartInQuickSuccessionLeavesTheBrokerListening() async throws {
        try await Self.withServedCluster { cluster, server in
            let port3 = Self.port(server, 3)
            for _ in 0..<3 {
                try cluster.stopBroker(3, controlled: false)
                try cluster.startBroker(3)
            }
            await server.listenerChangesSettled()
            let client = try await WireClient.connect(port: port3)
            #expect(try await client.send(ApiVersionsRequest(clientSoftwareName: "listener-test", clientSoftwareVersion: "1"), version: 3).errorCode == 0)
            await client.close()
        }
    }

    @Test func aBrokerStartedThatHadNoListenerStillHasNone() async throws {
        try await Self.withServedCluster { cluster, server in
            // Broker 4 is not one the server listens for (as when the metadata remembers a
            // broker of a larger cluster): it runs, unreachable, as before.
            try cluster.startBroker(4)
            await server.listenerChangesSettled()
            #expect(server.advertisedListeners.keys.sorted() == [1, 2, 3])
            #expect(!server.isListening(4))
            try cluster.stopBroker(4)
        }
    }
}
