import KafkaServer
import NIOConcurrencyHelpers
import NIOCore

/// A dispatcher that acts by apiKey (`TestAPI`) and records what it was asked, how many
/// requests of one connection ran at once, and which waits were cancelled.
final class TestDispatcher: KafkaRequestDispatching {
    struct Record {
        var dispatched: [(connectionId: UInt64, correlationId: Int32)] = []
        var running: [UInt64: Int] = [:]
        var maxRunningPerConnection = 0
        var maxRunningOverall = 0
        var waiting = 0
        var cancelled = 0
    }

    /// Each echo sleeps a random time up to this, so completions interleave across connections.
    let maxDelayMs: Int
    let record = NIOLockedValueBox(Record())

    init(maxDelayMs: Int = 0) {
        self.maxDelayMs = maxDelayMs
    }

    func dispatch(frame: ByteBuffer, connection: KafkaConnectionInfo) async -> KafkaResponseAction {
        let api = frame.getInteger(at: frame.readerIndex, as: Int16.self).flatMap(TestAPI.init(rawValue:))
        let correlationId = frame.getInteger(at: frame.readerIndex + 4, as: Int32.self) ?? -1
        record.withLockedValue { record in
            record.dispatched.append((connection.connectionId, correlationId))
            record.running[connection.connectionId, default: 0] += 1
            record.maxRunningPerConnection = max(record.maxRunningPerConnection, record.running[connection.connectionId]!)
            record.maxRunningOverall = max(record.maxRunningOverall, record.running.values.reduce(0, +))
        }
        defer { record.withLockedValue { $0.running[connection.connectionId]! -= 1 } }
        switch api {
        case .echo?:
            if maxDelayMs > 0 { try? await Task.sleep(for: .milliseconds(Int.random(in: 0...maxDelayMs))) }
            return .respond(TestResponse(answering: frame, connection: connection).encoded)
        case .noResponse?:
            return .noResponse
        case .close?, nil:
            return .close
        case .waitForCancellation?:
            record.withLockedValue { $0.waiting += 1 }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
            record.withLockedValue { $0.cancelled += 1 }
            return .respond(TestResponse(answering: frame, connection: connection).encoded)
        }
    }

    var correlationIds: [Int32] { record.withLockedValue { $0.dispatched.map(\.correlationId) } }
}

/// A dispatcher that answers echo requests only when let through, one per permit.
final class GatedDispatcher: KafkaRequestDispatching {
    private struct State {
        var permits = 0
        var waiter: CheckedContinuation<Void, Never>?
        var started = 0
    }

    private let state = NIOLockedValueBox(State())

    func dispatch(frame: ByteBuffer, connection: KafkaConnectionInfo) async -> KafkaResponseAction {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let go = state.withLockedValue { state -> Bool in
                state.started += 1
                if state.permits > 0 {
                    state.permits -= 1
                    return true
                }
                state.waiter = continuation
                return false
            }
            if go { continuation.resume() }
        }
        return .respond(TestResponse(answering: frame, connection: connection).encoded)
    }

    /// Lets `count` more requests through.
    func release(_ count: Int) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.permits += count
            guard state.permits > 0, let waiter = state.waiter else { return nil }
            state.permits -= 1
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// How many requests have reached the dispatcher.
    var started: Int { state.withLockedValue { $0.started } }
}
