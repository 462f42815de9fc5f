import BrokerEngine
import Foundation
import LogStore

/// Data a view needs besides the snapshot, fetched on demand and refreshed while it is shown.
public enum DataNeed: Hashable, Sendable {
    case segments(TopicPartition)
    case configs(topic: String)
}

/// A value fetched from the backend, or why it could not be, and when.
public struct Fetched<Value: Sendable>: Sendable {
    public var result: Result<Value, BackendError>
    public var fetchedAtMs: Int64

    public init(_ result: Result<Value, BackendError>, fetchedAtMs: Int64) {
        self.result = result
        self.fetchedAtMs = fetchedAtMs
    }

    public var value: Value? { try? result.get() }
    public var error: String? {
        if case .failure(let error) = result { return error.description }
        return nil
    }
}

/// Something that changes the cluster, run by the bridge off the drawing thread: `summary`
/// shows while it runs (`Stopping broker 2…`), its result (or error) when it is done.
public struct BackendOperation: Sendable {
    public var summary: String
    public var run: @Sendable (any ClusterBackend) async throws -> String

    /// `run` returns the success message for the status line.
    public init(_ summary: String, run: @escaping @Sendable (any ClusterBackend) async throws -> String) {
        self.summary = summary
        self.run = run
    }
}

/// What the bridge hands back to the UI thread.
public enum BridgeEvent: Sendable {
    case snapshot(ClusterSnapshot)
    case snapshotFailed(String)
    case segments(TopicPartition, Fetched<[SegmentInfo]>)
    case configs(String, Fetched<[ConfigEntry]>)
    case operationFinished(summary: String, Result<String, BackendError>)
}

/// The one place the console's UI thread meets the backend's async world. Requests start
/// Tasks; results land in an inbox that the UI loop drains on its next tick, so drawing
/// never waits for the cluster and the cluster never waits for drawing. Snapshots are
/// pumped on a timer, and only the newest undrained one is kept.
///
/// Thread-safe.
public final class BackendBridge: @unchecked Sendable {
    public let backend: any ClusterBackend
    /// The console's clock (ms since the epoch), for work started through the bridge.
    public let clock: @Sendable () -> Int64
    private let lock = NSLock()
    private var inbox: [BridgeEvent] = []
    private var inFlight: Set<DataNeed> = []
    private var running = 0
    private var pump: Task<Void, Never>?

    public init(backend: any ClusterBackend, clock: @escaping @Sendable () -> Int64) {
        self.backend = backend
        self.clock = clock
    }

    deinit { pump?.cancel() }

    /// Takes a snapshot every `intervalMs` until `stop()`; the first at once.
    public func startSnapshots(intervalMs: Int = 250) {
        lock.withLock { pump?.cancel() }
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                await self.refreshSnapshot()
                try? await Task.sleep(for: .milliseconds(intervalMs))
            }
        }
        lock.withLock { pump = task }
    }

    public func stop() {
        lock.withLock {
            pump?.cancel()
            pump = nil
        }
    }

    /// Takes one snapshot now and posts it.
    public func refreshSnapshot() async {
        do {
            let snapshot = try await backend.snapshot()
            post(.snapshot(snapshot))
        } catch {
            post(.snapshotFailed("\(error)"))
        }
    }

    /// Fetches `need` unless a fetch of it is already under way.
    public func fetch(_ need: DataNeed) {
        let start = lock.withLock { () -> Bool in
            guard !inFlight.contains(need) else { return false }
            inFlight.insert(need)
            running += 1
            return true
        }
        guard start else { return }
        let backend = self.backend, clock = self.clock
        Task.detached { [weak self] in
            let event: BridgeEvent
            switch need {
            case .segments(let partition):
                let result = await Self.capture { try await backend.segments(of: partition) }
                event = .segments(partition, Fetched(result, fetchedAtMs: clock()))
            case .configs(let topic):
                let result = await Self.capture { try await backend.describeConfigs(topic: topic) }
                event = .configs(topic, Fetched(result, fetchedAtMs: clock()))
            }
            self?.finish(need, event)
        }
    }

    public func perform(_ operation: BackendOperation) {
        lock.withLock { running += 1 }
        let backend = self.backend
        Task.detached { [weak self] in
            let result = await Self.capture { try await operation.run(backend) }
            self?.finish(nil, .operationFinished(summary: operation.summary, result))
        }
    }

    /// Everything that arrived since the last call, oldest first.
    public func drain() -> [BridgeEvent] {
        lock.withLock {
            defer { inbox.removeAll(keepingCapacity: true) }
            return inbox
        }
    }

    /// No fetch or operation under way (the snapshot pump does not count).
    public var isIdle: Bool { lock.withLock { running == 0 } }

    /// Waits (polling, bounded) until fetches and operations have finished: for tests.
    @discardableResult
    public func waitUntilIdle(timeoutMs: Int = 10_000) async -> Bool {
        let deadline = clockNow() + Int64(timeoutMs)
        while !isIdle {
            if clockNow() > deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    private func clockNow() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private func post(_ event: BridgeEvent) {
        lock.withLock {
            if case .snapshot = event {
                inbox.removeAll { if case .snapshot = $0 { true } else { false } }
            }
            inbox.append(event)
        }
    }

    private func finish(_ need: DataNeed?, _ event: BridgeEvent) {
        lock.withLock {
            if let need { inFlight.remove(need) }
            running -= 1
            inbox.append(event)
        }
    }

    private static func capture<T>(_ body: () async throws -> T) async -> Result<T, BackendError> {
        do { return .success(try await body()) } catch let error as BackendError {
            return .failure(error)
        } catch {
            return .failure(BackendError("\(error)"))
        }
    }
}
