import Logging
import NIOCore
import Testing

@testable import KafkaServer

/// Requests over real sockets on 127.0.0.1: ordering, the dispatcher's actions, bad frames,
/// clients that go away.
@Suite(.timeLimit(.minutes(1))) struct KafkaServerRequestTests {
    @Test func pipelinedRequestsAreAnsweredInOrderOnEveryConnection() async throws {
        let dispatcher = TestDispatcher(maxDelayMs: 5)
        try await withServer(dispatcher: dispatcher) { server in
            let count = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in 0..<4 {
                    group.addTask {
                        let client = try await TestClient.connect(port: server.port())
                        let requests = (0..<count).map {
                            request(.echo, correlationId: Int32($0), payload: "c\(connection)-r\($0)")
                        }
                        // Half in one write, the rest one by one while the first are being answered.
                        try await client.send(requests: Array(requests[..<(count / 2)]))
                        for request in requests[(count / 2)...] { try await client.send(requests: [request]) }
                        let responses = try await client.frames(count).map(TestResponse.init(decoding:))
                        #expect(responses.map(\.correlationId) == (0..<count).map { Int32($0) })
                        #expect(responses.map(\.payload) == (0..<count).map { "c\(connection)-r\($0)" })
                        #expect(Set(responses.map(\.connectionId)).count == 1)
                        await client.close()
                    }
                }
                try await group.waitForAll()
            }
        }
        let record = dispatcher.record.withLockedValue { $0 }
        #expect(record.dispatched.count == 160)
        #expect(record.maxRunningPerConnection == 1, "one request per connection at a time, as in Kafka")
    }

    /// Kafka mutes a connection until its response is sent: a client that sends without
    /// reading fills the socket, the server stops dispatching, its read-ahead fills, and
    /// it stops reading. Nothing grows without bound; all is answered once the client reads.
    @Test func aClientThatDoesNotReadStopsTheServerDispatchingAndReading() async throws {
        let dispatcher = TestDispatcher()
        try await withServer(dispatcher: dispatcher) { server in
            let client = try await TestClient.connect(port: server.port(), reading: false)
            let count = 400
            let payload = String(repeating: "p", count: 64 << 10)
            client.queue(requests: (0..<count).map { request(.echo, correlationId: Int32($0), payload: payload) })

            var dispatched = -1
            for _ in 0..<100 {
                try await Task.sleep(for: .milliseconds(100))
                let now = dispatcher.correlationIds.count
                if now == dispatched { break }
                dispatched = now
            }
            #expect(dispatched > 0)
            #expect(dispatched < count, "dispatching stops while the client reads nothing")

            try await client.startReading()
            let responses = try await client.frames(count, timeout: .seconds(30)).map(TestResponse.init(decoding:))
            #expect(responses.map(\.correlationId) == (0..<count).map { Int32($0) })
            await client.close()
        }
    }

    @Test func aRequestSplitAcrossWritesIsAnswered() async throws {
        try await withServer(dispatcher: TestDispatcher()) { server in
            let client = try await TestClient.connect(port: server.port())
            var bytes = ByteBuffer()
            bytes.writeFrame(request(.echo, correlationId: 9, payload: "split"))
            for chunk in [2, 3, 4, bytes.readableBytes - 9] {
                try await client.send(bytes.readSlice(length: chunk)!)
                try await Task.sleep(for: .milliseconds(10))
            }
            let response = TestResponse(decoding: try await client.frames(1)[0])
            #expect(response.correlationId == 9)
            #expect(response.payload == "split")
            await client.close()
        }
    }

    @Test func noResponseSendsNothingAndGoesOn() async throws {
        try await withServer(dispatcher: TestDispatcher()) { server in
            let client = try await TestClient.connect(port: server.port())
            try await client.send(requests: [
                request(.echo, correlationId: 1), request(.noResponse, correlationId: 2), request(.echo, correlationId: 3),
            ])
            let responses = try await client.frames(2).map(TestResponse.init(decoding:))
            #expect(responses.map(\.correlationId) == [1, 3])
            try await Task.sleep(for: .milliseconds(50))
            #expect(client.framesSoFar.count == 2)
            #expect(!client.isClosed)
            await client.close()
        }
    }

    @Test func closeSendsTheEarlierResponsesThenCloses() async throws {
        let dispatcher = TestDispatcher(maxDelayMs: 20)
        try await withServer(dispatcher: dispatcher) { server in
            let client = try await TestClient.connect(port: server.port())
            try await client.send(requests: [
                request(.echo, correlationId: 1, payload: String(repeating: "x", count: 200_000)),
                request(.echo, correlationId: 2),
                request(.close, correlationId: 3),
                request(.echo, correlationId: 4),
            ])
            try await client.waitUntilClosed()
            let responses = client.framesSoFar.map(TestResponse.init(decoding:))
            #expect(responses.map(\.correlationId) == [1, 2])
            #expect(responses.first?.payload.count == 200_000)
        }
        #expect(dispatcher.correlationIds == [1, 2, 3], "nothing after the close is dispatched")
    }

    @Test(arguments: [Int32(1_025), Int32.max, -1, Int32.min, 0, 7])
    func aBadSizeClosesTheConnectionAndIsLogged(size: Int32) async throws {
        let (logger, logs) = CapturingLogHandler.logger()
        let dispatcher = TestDispatcher()
        try await withServer(dispatcher: dispatcher, logger: logger, configure: { $0.maxRequestSize = 1_024 }) { server in
            let client = try await TestClient.connect(port: server.port())
            let clientPort = try #require(client.channel.localAddress?.port)
            var bytes = ByteBuffer()
            bytes.writeInteger(size)
            bytes.writeBytes([UInt8](repeating: 0, count: 16))
            try await client.send(bytes)
            try await client.waitUntilClosed()

            let warnings = logs.messages(atLeast: .warning)
            #expect(warnings.count == 1)
            #expect(warnings.first?.contains("127.0.0.1:\(clientPort)") == true)
            #expect(warnings.first?.contains("invalid request size \(size)") == true)

            // The server goes on serving others.
            let other = try await TestClient.connect(port: server.port())
            try await other.send(requests: [request(.echo, correlationId: 5)])
            #expect(TestResponse(decoding: try await other.frames(1)[0]).correlationId == 5)
            await other.close()
        }
        #expect(dispatcher.correlationIds == [5])
    }

    /// As in Kafka, a bad size closes the connection at once; requests read before it in
    /// the same read are dropped.
    @Test func aBadSizeClosesAtOnceWithoutAnsweringEarlierRequests() async throws {
        let dispatcher = TestDispatcher()
        try await withServer(dispatcher: dispatcher, configure: { $0.maxRequestSize = 1_024 }) { server in
            let client = try await TestClient.connect(port: server.port())
            var bytes = ByteBuffer()
            bytes.writeFrame(request(.echo, correlationId: 1))
            bytes.writeInteger(Int32(5_000))
            try await client.send(bytes)
            try await client.waitUntilClosed()
            #expect(client.framesSoFar.isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func aClientGoingAwayMidRequestCancelsItsDispatch(reset: Bool) async throws {
        let dispatcher = TestDispatcher()
        try await withServer(dispatcher: dispatcher) { server in
            let client = try await TestClient.connect(port: server.port())
            try await client.send(requests: [request(.waitForCancellation, correlationId: 1), request(.echo, correlationId: 2)])
            try await poll("the dispatch to start") { dispatcher.record.withLockedValue { $0.waiting } == 1 ? true : nil }
            await client.close(reset: reset)
            try await poll("the dispatch to be cancelled") { dispatcher.record.withLockedValue { $0.cancelled } == 1 ? true : nil }

            let other = try await TestClient.connect(port: server.port())
            try await other.send(requests: [request(.echo, correlationId: 3)])
            #expect(TestResponse(decoding: try await other.frames(1)[0]).correlationId == 3)
            await other.close()
        }
        #expect(dispatcher.correlationIds == [1, 3])
    }

    @Test func shutdownCancelsRunningDispatchesAndClosesConnections() async throws {
        let dispatcher = TestDispatcher()
        var configuration = KafkaServerConfiguration(brokerIds: [1])
        configuration.basePort = 0
        let server = try await KafkaServer.start(configuration: configuration, dispatcher: dispatcher)
        let client = try await TestClient.connect(port: server.port())
        try await client.send(requests: [request(.waitForCancellation, correlationId: 1)])
        try await poll("the dispatch to start") { dispatcher.record.withLockedValue { $0.waiting } == 1 ? true : nil }

        await server.shutdown()
        #expect(dispatcher.record.withLockedValue { $0.cancelled } == 1)
        try await client.waitUntilClosed()
    }
}
