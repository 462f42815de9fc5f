import Foundation
import Glibc
import KafkaClient
import KafkaProtocol
import Testing

@Suite(.serialized, .timeLimit(.minutes(2))) struct ConnectionTests {
    @Test func negotiatesTheLowerOfOurMaxAndTheBrokersMax() async throws {
        try await withCluster(brokers: 1) { _, client in
            let versions = try await client.apiVersions()
            #expect(versions.broker[.fetch] != nil)
            let fetch = try versions.version(for: .fetch, address: "")
            #expect(fetch == min(12, versions.broker[.fetch]!.upperBound))
            let metadata = try versions.version(for: .metadata, address: "")
            #expect(metadata == min(12, versions.broker[.metadata]!.upperBound))
        }
    }

    @Test func findsEveryBrokerFromOneBootstrapAddress() async throws {
        try await withCluster { served, client in
            let metadata = try await client.metadata()
            #expect(metadata.brokers.map(\.nodeId) == [1, 2, 3])
            #expect(Set(metadata.brokers.map(\.port)) == Set(served.server.advertisedListeners.values.map(\.port)))
        }
    }

    @Test func pipelinesManyRequestsOnOneConnection() async throws {
        try await withCluster(brokers: 1) { served, client in
            try served.cluster.controller.createTopic("pipelined", partitions: 2, replicationFactor: 1)
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<64 {
                    group.addTask { try await client.metadata(topics: ["pipelined"]).topics[0].partitions.count }
                }
                var all: [Int] = []
                for try await count in group { all.append(count) }
                return all
            }
            #expect(answers == Array(repeating: 2, count: 64))
        }
    }

    @Test func refusedConnectionNamesTheAddress() async throws {
        // A port that was free a moment ago: bind, read the port, close.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) + getsockname(probe, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(probe)

        let client = try KafkaClient(bootstrap: "127.0.0.1:\(port)")
        await #expect(throws: KafkaClientError.connectionFailed(address: "127.0.0.1:\(port)", reason: "connection refused")) {
            _ = try await client.metadata()
        }
        await client.close()
    }

    @Test func silentBrokerTimesOutNamingTheApiAndAddress() async throws {
        // Listening but never accepting: the handshake completes in the backlog, nothing answers.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) + getsockname(listener, $0, &length) }
        }
        #expect(listen(listener, 4) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))

        var configuration = try KafkaClientConfiguration(bootstrap: "127.0.0.1:\(port)")
        configuration.requestTimeout = .milliseconds(300)
        let client = KafkaClient(configuration: configuration)
        await #expect(throws: KafkaClientError.requestTimedOut(address: "127.0.0.1:\(port)", api: "ApiVersions", milliseconds: 300)) {
            _ = try await client.metadata()
        }
        await client.close()
    }
}
