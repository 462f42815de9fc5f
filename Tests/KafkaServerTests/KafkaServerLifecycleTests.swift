import NIOCore
import NIOPosix
import Testing

@testable import KafkaServer

/// Binding, ports, and shutdown.
@Suite(.timeLimit(.minutes(1))) struct KafkaServerLifecycleTests {
    static func configuration(_ brokerIds: [Int32], basePort: Int) -> KafkaServerConfiguration {
        var configuration = KafkaServerConfiguration(brokerIds: brokerIds)
        configuration.basePort = basePort
        return configuration
    }

    @Test func basePortZeroGivesEachBrokerItsOwnFreePort() async throws {
        try await withServer(brokerIds: [1, 2, 3], dispatcher: TestDispatcher()) { server in
            let listeners = server.advertisedListeners
            #expect(listeners.keys.sorted() == [1, 2, 3])
            #expect(Set(listeners.values.map(\.port)).count == 3)
            for (brokerId, listener) in listeners {
                #expect(listener.host == "127.0.0.1")
                #expect(listener.port > 0)
                let client = try await TestClient.connect(port: listener.port)
                try await client.send(requests: [request(.echo, correlationId: brokerId)])
                #expect(TestResponse(decoding: try await client.frames(1)[0]).brokerId == brokerId,
                        "a connection belongs to the broker whose port it reached")
                await client.close()
            }
        }
    }

    @Test func brokersListenOnConsecutivePortsFromBasePort() async throws {
        // Another process could take a port between the probe and the bind; try a few ranges.
        for _ in 0..<5 {
            let base = try await Self.freePort()
            guard base < 65_000 else { continue }
            do {
                try await withServer(brokerIds: [1, 2], dispatcher: TestDispatcher(), configure: { $0.basePort = base }) { server in
                    #expect(server.advertisedListeners[1]!.port == base)
                    #expect(server.advertisedListeners[2]!.port == base + 1)
                }
                return
            } catch KafkaServerError.cannotListen {
                continue
            }
        }
        Issue.record("no free pair of ports found")
    }

    @Test func aPortInUseFailsNamingTheAddressAndReleasesThePortsAlreadyBound() async throws {
        for _ in 0..<5 {
            // Broker 2's port is taken; broker 1's (the one below it) binds first.
            let blocker = try await KafkaServer.start(configuration: Self.configuration([1], basePort: 0),
                                                      dispatcher: TestDispatcher())
            let taken = blocker.port()
            let server = KafkaServer(configuration: Self.configuration([1, 2], basePort: taken - 1))
            let failure: KafkaServerError?
            do {
                try await server.bind()
                failure = nil
            } catch {
                failure = error as? KafkaServerError
            }
            await server.shutdown()
            await blocker.shutdown()
            guard let failure, case .cannotListen(_, taken, _) = failure else {
                if failure == nil { Issue.record("bound a port in use") }
                continue  // Otherwise broker 1's port was busy too: try another pair.
            }
            #expect(failure == .cannotListen(host: "127.0.0.1", port: taken, reason: "address already in use"))
            #expect("\(failure)" == "cannot listen on 127.0.0.1:\(taken): address already in use")

            // Broker 1's port was released, and the failed server can't be used any more.
            let again = try await KafkaServer.start(configuration: Self.configuration([1], basePort: taken - 1),
                                                    dispatcher: TestDispatcher())
            #expect(again.port() == taken - 1)
            await again.shutdown()
            await #expect(throws: KafkaServerError.self) { try await server.start(dispatcher: TestDispatcher()) }
            return
        }
        Issue.record("no free port below a bound one found")
    }

    @Test func shutdownIsIdempotentAndSafeConcurrently() async throws {
        let server = try await KafkaServer.start(configuration: Self.configuration([1, 2], basePort: 0),
                                                 dispatcher: TestDispatcher())
        let client = try await TestClient.connect(port: server.port(2))
        try await client.send(requests: [request(.echo, correlationId: 1)])
        _ = try await client.frames(1)

        async let first: Void = server.shutdown()
        async let second: Void = server.shutdown()
        _ = await (first, second)
        await server.shutdown()
        try await client.waitUntilClosed()
        await #expect(throws: (any Error).self) { try await TestClient.connect(port: server.port(1)) }
        await #expect(throws: KafkaServerError.self) { try await server.bind() }
    }

    @Test func shutdownBeforeBindingDoesNothing() async throws {
        let server = KafkaServer(configuration: Self.configuration([1], basePort: 0))
        await server.shutdown()
        await server.shutdown()
        await #expect(throws: KafkaServerError.self) { try await server.bind() }
    }

    @Test func connectionsWaitUntilTheDispatcherIsGiven() async throws {
        let server = KafkaServer(configuration: Self.configuration([1], basePort: 0))
        try await server.bind()
        let client = try await TestClient.connect(port: server.port())
        try await client.send(requests: [request(.echo, correlationId: 1)])
        try await Task.sleep(for: .milliseconds(100))
        #expect(client.framesSoFar.isEmpty)

        try await server.start(dispatcher: TestDispatcher())
        #expect(TestResponse(decoding: try await client.frames(1)[0]).correlationId == 1)
        await client.close()
        await server.shutdown()
    }

    @Test(arguments: [
        (KafkaServerConfiguration(brokerIds: []), "no brokers to listen for"),
        (Self.configuration([1, 1], basePort: 0), "broker ids must be distinct: [1, 1]"),
        (Self.configuration([1, 2], basePort: 65_535), "ports 65535…65536 for 2 brokers are not all valid TCP ports"),
    ])
    func anUnservableConfigurationIsRefused(configuration: KafkaServerConfiguration, message: String) async throws {
        let server = KafkaServer(configuration: configuration)
        await #expect(throws: KafkaServerError.invalidConfiguration(message)) { try await server.bind() }
        await server.shutdown()
    }

    /// A port nothing listens on right now.
    static func freePort() async throws -> Int {
        let server = try await KafkaServer.start(configuration: configuration([1], basePort: 0), dispatcher: TestDispatcher())
        let port = server.port()
        await server.shutdown()
        return port
    }
}
