import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import KafkaServer

/// The connection handler on a testing channel: read-ahead limits and their backpressure.
@Suite(.timeLimit(.minutes(1))) struct KafkaConnectionHandlerTests {
    /// Counts the `read` requests that get past the connection handler to the socket.
    final class ReadCounter: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = ByteBuffer
        let reads = NIOLockedValueBox(0)
        func read(context: ChannelHandlerContext) {
            reads.withLockedValue { $0 += 1 }
            context.read()
        }
    }

    static let connection = KafkaConnectionInfo(brokerId: 1, peer: "127.0.0.1:5555", connectionId: 1)

    static func makeChannel(dispatcher: any KafkaRequestDispatching, limits: KafkaConnectionHandler.Limits,
                            tracker: DispatchTracker = DispatchTracker()) async throws -> (NIOAsyncTestingChannel, ReadCounter) {
        let channel = NIOAsyncTestingChannel()
        let counter = ReadCounter()
        try await channel.testingEventLoop.executeInContext {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(counter)
            try pipeline.addHandler(KafkaConnectionHandler(dispatcher: dispatcher, connection: connection, tracker: tracker,
                                                           limits: limits, logger: Logger(label: "test")))
        }
        return (channel, counter)
    }

    static func response(_ correlationId: Int32) -> TestResponse {
        TestResponse(correlationId: correlationId, brokerId: 1, connectionId: 1, payload: "")
    }

    @Test func stopsReadingWhileTooManyRequestsWaitAndResumesWhenTheyDrain() async throws {
        let gate = GatedDispatcher()
        let (channel, counter) = try await Self.makeChannel(
            dispatcher: gate, limits: .init(maxQueuedRequests: 4, maxQueuedBytes: 1 << 20))
        channel.pipeline.read()
        try await poll("the first read to pass") { counter.reads.withLockedValue { $0 } == 1 ? true : nil }

        for id in 0..<6 { try await channel.writeInbound(request(.echo, correlationId: Int32(id))) }
        channel.pipeline.read()
        try await Task.sleep(for: .milliseconds(50))
        #expect(counter.reads.withLockedValue { $0 } == 1, "six requests wait, more than four: the read is held back")
        #expect(gate.started == 1, "one request of a connection at a time")

        gate.release(1)
        #expect(TestResponse(decoding: try await channel.waitForOutboundWrite(as: ByteBuffer.self)) == Self.response(0))
        try await Task.sleep(for: .milliseconds(50))
        #expect(counter.reads.withLockedValue { $0 } == 1, "five still wait")

        gate.release(1)
        #expect(TestResponse(decoding: try await channel.waitForOutboundWrite(as: ByteBuffer.self)) == Self.response(1))
        try await poll("the held-back read to pass") { counter.reads.withLockedValue { $0 } == 2 ? true : nil }

        gate.release(4)
        for id in 2..<6 {
            #expect(TestResponse(decoding: try await channel.waitForOutboundWrite(as: ByteBuffer.self)) == Self.response(Int32(id)))
        }
        _ = try await channel.finish()
    }

    @Test func stopsReadingWhileTooManyBytesWait() async throws {
        let gate = GatedDispatcher()
        let (channel, counter) = try await Self.makeChannel(
            dispatcher: gate, limits: .init(maxQueuedRequests: 100, maxQueuedBytes: 1_000))
        try await channel.writeInbound(request(.echo, correlationId: 0, payload: String(repeating: "a", count: 600)))
        try await channel.writeInbound(request(.echo, correlationId: 1, payload: String(repeating: "b", count: 600)))
        channel.pipeline.read()
        try await Task.sleep(for: .milliseconds(50))
        #expect(counter.reads.withLockedValue { $0 } == 0)

        gate.release(1)
        _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        try await poll("the held-back read to pass") { counter.reads.withLockedValue { $0 } == 1 ? true : nil }
        gate.release(1)
        _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        _ = try await channel.finish()
    }

    @Test func closingTheConnectionCancelsTheRunningDispatchAndDropsTheWaitingOnes() async throws {
        let dispatcher = TestDispatcher()
        let tracker = DispatchTracker()
        let (channel, _) = try await Self.makeChannel(
            dispatcher: dispatcher, limits: .init(maxQueuedRequests: 16, maxQueuedBytes: 1 << 20), tracker: tracker)
        try await channel.writeInbound(request(.waitForCancellation, correlationId: 0))
        try await channel.writeInbound(request(.echo, correlationId: 1))
        try await poll("the dispatcher to start waiting") { dispatcher.record.withLockedValue { $0.waiting } == 1 ? true : nil }

        try await channel.close()
        try await poll("the dispatch to be cancelled") { dispatcher.record.withLockedValue { $0.cancelled } == 1 ? true : nil }
        try await poll("the dispatch task to end") { tracker.runningCount == 0 ? true : nil }
        #expect(dispatcher.correlationIds == [0])
        #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)
    }
}
