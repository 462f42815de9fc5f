import Logging
import NIOCore
import NIOPosix
import Testing

@testable import KafkaServer

/// Closing and reopening one broker's listener while the server runs (what a broker's stop
/// and start do through `serve(cluster:…)`).
@Suite(.timeLimit(.minutes(1))) struct ListenerControlTests {
    @Test func closingAListenerRefusesConnectionsAndClosesItsOwnWhileOtherBrokersServe() async throws {
        try await withServer(brokerIds: [1, 2], dispatcher: TestDispatcher()) { server in
            let one = try await TestClient.connect(port: server.port(1))
            let two = try await TestClient.connect(port: server.port(2))
            try await one.send(requests: [request(.echo, correlationId: 1)])
            _ = try await one.frames(1)

            #expect(server.setListener(1, .closed(graceful: false)))
            await server.listenerChangesSettled()
            #expect(!server.isListening(1))
            try await one.waitUntilClosed()
            await #expect(throws: (any Error).self) { try await TestClient.connect(port: server.port(1)) }

            try await two.send(requests: [request(.echo, correlationId: 2)])
            #expect(TestResponse(decoding: try await two.frames(1)[0]).brokerId == 2)
            let another = try await TestClient.connect(port: server.port(2))
            await another.close()
            await two.close()
        }
    }

    @Test func reopeningListensOnTheSamePortAndAnswersAgain() async throws {
        try await withServer(brokerIds: [1, 2], dispatcher: TestDispatcher()) { server in
            let before = server.advertisedListeners
            // A connection left in TIME_WAIT on the port must not stop the rebind (SO_REUSEADDR).
            let old = try await TestClient.connect(port: server.port(2))
            server.setListener(2, .closed(graceful: true))
            await server.listenerChangesSettled()
            try await old.waitUntilClosed()

            server.setListener(2, .open)
            await server.listenerChangesSettled()
            #expect(server.isListening(2))
            #expect(server.advertisedListeners[2]! == before[2]!, "the advertised endpoint does not change")
            let client = try await TestClient.connect(port: before[2]!.port)
            try await client.send(requests: [request(.echo, correlationId: 7)])
            let response = TestResponse(decoding: try await client.frames(1)[0])
            #expect(response.brokerId == 2 && response.correlationId == 7)
            await client.close()
        }
    }

    @Test func aGracefulCloseAnswersTheRequestInFlightFirst() async throws {
        let dispatcher = GatedDispatcher()
        // Longer than a loaded machine can take between the close and the release below.
        try await withServer(brokerIds: [1], dispatcher: dispatcher, configure: { $0.drainTimeout = .seconds(60) }) { server in
            let client = try await TestClient.connect(port: server.port())
            try await client.send(requests: [request(.echo, correlationId: 1), request(.echo, correlationId: 2)])
            try await poll("the first request to be dispatched") { dispatcher.started == 1 ? true : nil }

            server.setListener(1, .closed(graceful: true))
            await server.listenerChangesSettled()
            #expect(!client.isClosed, "the connection waits for the request being handled")
            dispatcher.release(2)
            try await client.waitUntilClosed()
            #expect(client.framesSoFar.map { TestResponse(decoding: $0).correlationId } == [1],
                    "the request in flight is answered; the one queued behind it is dropped")
        }
    }

    @Test func aGracefulCloseGivesUpWaitingAfterTheDrainTimeout() async throws {
        let dispatcher = GatedDispatcher()
        try await withServer(brokerIds: [1], dispatcher: dispatcher, configure: { $0.drainTimeout = .milliseconds(100) }) { server in
            let client = try await TestClient.connect(port: server.port())
            try await client.send(requests: [request(.echo, correlationId: 1)])
            try await poll("the request to be dispatched") { dispatcher.started == 1 ? true : nil }
            server.setListener(1, .closed(graceful: true))
            try await client.waitUntilClosed()
            #expect(client.framesSoFar.isEmpty)
            dispatcher.release(1)
        }
    }

    @Test func aKillClosesAtOnceWithoutAnswering() async throws {
        let dispatcher = GatedDispatcher()
        try await withServer(brokerIds: [1], dispatcher: dispatcher) { server in
            let client = try await TestClient.connect(port: server.port())
            try await client.send(requests: [request(.echo, correlationId: 1)])
            try await poll("the request to be dispatched") { dispatcher.started == 1 ? true : nil }
            server.setListener(1, .closed(graceful: false))
            try await client.waitUntilClosed()
            #expect(client.framesSoFar.isEmpty)
            dispatcher.release(1)
        }
    }

    @Test func stopsAndStartsInQuickSuccessionEndWhereTheLastOneSays() async throws {
        try await withServer(brokerIds: [1], dispatcher: TestDispatcher()) { server in
            let port = server.port()
            for _ in 0..<5 {
                server.setListener(1, .closed(graceful: false))
                server.setListener(1, .open)
                server.setListener(1, .closed(graceful: true))
                server.setListener(1, .open)
            }
            await server.listenerChangesSettled()
            #expect(server.isListening(1))
            let client = try await TestClient.connect(port: port)
            try await client.send(requests: [request(.echo, correlationId: 1)])
            _ = try await client.frames(1)
            await client.close()

            server.setListener(1, .open)
            server.setListener(1, .closed(graceful: false))
            await server.listenerChangesSettled()
            #expect(!server.isListening(1))
            await #expect(throws: (any Error).self) { try await TestClient.connect(port: port) }
        }
    }

    @Test func aPortTakenMeanwhileIsRetriedThenReportedWithoutStoppingTheOthers() async throws {
        // Another test's client can take the freed port as its own ephemeral port before the
        // squatter binds it; then try again with other ports.
        for _ in 0..<5 {
            let (logger, logs) = CapturingLogHandler.logger()
            let done = try await withServer(brokerIds: [1, 2], dispatcher: TestDispatcher(), logger: logger) { server in
                let port = server.port(1)
                server.setListener(1, .closed(graceful: false))
                await server.listenerChangesSettled()
                var squatting = KafkaServerConfiguration(brokerIds: [9])
                squatting.basePort = port
                let squatter: KafkaServer
                do { squatter = try await KafkaServer.start(configuration: squatting, dispatcher: TestDispatcher()) } catch {
                    return false
                }

                let started = ContinuousClock.now
                server.setListener(1, .open)
                await server.listenerChangesSettled()
                #expect(ContinuousClock.now - started < .seconds(10), "the retries are bounded")
                #expect(!server.isListening(1))
                let errors = logs.messages(atLeast: .error)
                #expect(errors.count == KafkaServer.rebindAttempts)
                #expect(errors.last?.contains("Broker 1 is running but unreachable: cannot listen on 127.0.0.1:\(port): address already in use") == true,
                        "\(errors)")
                let two = try await TestClient.connect(port: server.port(2))
                await two.close()

                // Once the port is free, starting the broker again listens again.
                await squatter.shutdown()
                server.setListener(1, .open)
                await server.listenerChangesSettled()
                #expect(server.isListening(1))
                let one = try await TestClient.connect(port: port)
                await one.close()
                return true
            }
            if done { return }
        }
        Issue.record("the freed port was taken every time before the test could take it")
    }

    @Test func shutdownWhileReopeningLeavesNothingListening() async throws {
        let server = try await KafkaServer.start(configuration: KafkaServerLifecycleTests.configuration([1, 2], basePort: 0),
                                                 dispatcher: TestDispatcher())
        let port = server.port(1)
        server.setListener(1, .closed(graceful: false))
        await server.listenerChangesSettled()
        server.setListener(1, .open)
        await server.shutdown()
        #expect(!server.isListening(1))
        #expect(!server.setListener(1, .open), "nothing changes after shutdown")
        await #expect(throws: (any Error).self) { try await TestClient.connect(port: port) }
    }

    @Test func aBrokerWithoutAListenerIsLeftAlone() async throws {
        let server = KafkaServer(configuration: KafkaServerLifecycleTests.configuration([1], basePort: 0))
        #expect(!server.setListener(1, .closed(graceful: true)), "nothing to close before binding")
        try await server.bind()
        #expect(!server.setListener(4, .open), "no listener was bound for broker 4")
        #expect(server.setListener(1, .closed(graceful: true)))
        try await server.start(dispatcher: TestDispatcher())
        await server.listenerChangesSettled()
        #expect(!server.isListening(1), "a listener closed before serving stays closed")
        server.setListener(1, .open)
        await server.listenerChangesSettled()
        let client = try await TestClient.connect(port: server.port())
        try await client.send(requests: [request(.echo, correlationId: 1)])
        _ = try await client.frames(1)
        await client.close()
        await server.shutdown()
    }
}
