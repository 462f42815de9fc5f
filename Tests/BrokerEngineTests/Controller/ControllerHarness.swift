import BrokerEngine
import Foundation
import LogStore
import Logging

/// A controller over a temporary data directory and a manual scheduler, with a fixed
/// placement seed, brokers registered, and the changes it published recorded.
final class ControllerHarness: @unchecked Sendable {
    // @unchecked: `controller` is replaced only by `restart()`, on the test's thread.
    let directory: String
    let scheduler: ManualScheduler
    let config: ClusterConfig
    let seed: UInt64
    private(set) var controller: Controller
    let changes = ChangeLog()

    static let quietLogger: Logger = {
        var logger = Logger(label: "wharf.controller.test")
        logger.logLevel = .warning
        return logger
    }()

    init(brokers: [Int32] = [0, 1, 2], config: ClusterConfig = ClusterConfig(), seed: UInt64 = 42) throws {
        directory = NSTemporaryDirectory() + "wharf-controller-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        scheduler = ManualScheduler()
        self.config = config
        self.seed = seed
        controller = try Controller(dataDirectory: directory, config: config, scheduler: scheduler, seed: seed,
                                    logger: Self.quietLogger)
        subscribe()
        for id in brokers { try controller.registerBroker(id: id) }
    }

    deinit {
        controller.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var image: MetadataImage { controller.image }

    /// Closes the controller and opens a new one on the same directory (a process restart).
    @discardableResult
    func restart(beforeOpening: (String) throws -> Void = { _ in }) throws -> Controller {
        controller.close()
        try beforeOpening(directory)
        controller = try Controller(dataDirectory: directory, config: config, scheduler: scheduler, seed: seed &+ 1,
                                    logger: Self.quietLogger)
        subscribe()
        return controller
    }

    /// The metadata log's only segment.
    var metadataSegmentPath: String {
        directory + "/controller/__cluster_metadata-0/00000000000000000000.log"
    }

    /// Moves time forward by `ms` while every live broker heartbeats every 2 s
    /// (Kafka's `broker.heartbeat.interval.ms`).
    func advanceWithHeartbeats(byMs ms: Int64) throws {
        var left = ms
        while left > 0 {
            let step = min(left, 2_000)
            scheduler.advance(byMs: step)
            left -= step
            for id in image.activeBrokerIds { try controller.heartbeat(brokerId: id) }
        }
    }

    func partition(_ topic: String, _ partition: Int32) -> PartitionRegistration? {
        image.partition(TopicPartition(topic, partition))
    }

    private func subscribe() {
        let log = changes
        _ = controller.subscribe { log.append($0) }
    }
}

/// The changes a controller published, in order.
final class ChangeLog: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: [MetadataChange] = []

    func append(_ change: MetadataChange) { lock.withLock { stored.append(change) } }
    var all: [MetadataChange] { lock.withLock { stored } }
    func removeAll() { lock.withLock { stored.removeAll() } }
}

