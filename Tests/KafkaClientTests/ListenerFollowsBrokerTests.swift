import BrokerEngine
import Foundation
import KafkaClient
import KafkaProtocol
import KafkaServer
import Testing

/// Over real sockets: a broker's listener follows the broker, as a Kafka broker's socket
/// server does. Stopped, its port refuses connections and its connections close; started
/// again, it listens on the same port; the other brokers serve throughout.
@Suite(.timeLimit(.minutes(1))) struct ListenerFollowsBrokerTests {
    /// A 3-broker cluster served on free ports (`ServedCluster`); always stopped, whatever
    /// `body` does.
    static func withServedCluster(_ body: (Cluster, KafkaServer) async throws -> Void) async throws {
        let served = try await ServedCluster()
        do { try await body(served.cluster, served.server) } catch {
            await served.stop()
            throw error
        }
        await served.stop()
    }

    /// A connection to one broker's port (the project's client connection, which negotiates
    /// API versions first).
    static func connect(port: Int) async throws -> BrokerConnection {
        try await BrokerConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: port), clientId: "listener-test",
                                           connectTimeout: .seconds(5), requestTimeout: .seconds(10))
    }

    /// Waits (at most 10 s) until the server has closed `connection`.
    static func waitUntilClosed(_ connection: BrokerConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while connection.isActive {
            try #require(ContinuousClock.now < deadline, "the server did not close the connection in 10 s")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    static func port(_ server: KafkaServer, _ id: Int32) -> Int { server.advertisedListeners[id]!.port }

    @Test(arguments: [true, false])
    func aStoppedBrokerRefusesConnectionsAndServesAgainOnTheSamePortWhenStarted(controlled: Bool) async throws {
        try await Self.withServedCluster { cluster, server in
            let port2 = Self.port(server, 2)
            let open = try await Self.connect(port: port2)
            _ = try await open.send(ApiVersionsRequest(clientSoftwareName: "listener-test", clientSoftwareVersion: "1"), version: 3)

            try cluster.stopBroker(2, controlled: controlled)
            try await Self.waitUntilClosed(open)
            await server.listenerChangesSettled()
            await #expect(throws: (any Error).self) { try await Self.connect(port: port2) }

            // The others serve, and their metadata leaves broker 2 out.
            let one = try await Self.connect(port: Self.port(server, 1))
            let metadata = try await one.send(MetadataRequest(topics: nil), version: 12)
            #expect(metadata.brokers.map(\.nodeId) == [1, 3])
            #expect(metadata.brokers.map { Int($0.port) } == [Self.port(server, 1), Self.port(server, 3)])

            try cluster.startBroker(2)
            await server.listenerChangesSettled()
            #expect(Self.port(server, 2) == port2, "advertised where it was")
            let again = try await Self.connect(port: port2)
            let versions = try await again.send(ApiVersionsRequest(clientSoftwareName: "listener-test", clientSoftwareVersion: "1"), version: 3)
            #expect(versions.errorCode == 0)
            #expect(versions.apiKeys.contains { $0.apiKey == ApiKey.metadata.rawValue })
            let back = try await again.send(MetadataRequest(topics: nil), version: 12)
            #expect(back.brokers.map(\.nodeId) == [1, 2, 3])
            #expect(back.brokers.first { $0.nodeId == 2 }?.port == Int32(port2))
            again.close()
            one.close()
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
            let client = try await Self.connect(port: port3)
            #expect(try await client.send(ApiVersionsRequest(clientSoftwareName: "listener-test", clientSoftwareVersion: "1"), version: 3).errorCode == 0)
            client.close()
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
