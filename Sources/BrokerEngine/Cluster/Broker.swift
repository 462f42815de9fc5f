import Foundation
import LogStore
import Logging
import NIOConcurrencyHelpers

/// One broker of the in-process cluster: its log directory `<data-dir>/broker-<id>/`, its
/// replica manager and its follower fetcher.
///
/// A broker object lives from `start` to `stop`; starting a stopped broker again makes a new
/// one over the same directory, which recovers its logs the way a restarted Kafka broker
/// does (a clean stop skips the scan, a kill does not).
///
/// Thread-safe.
public final class Broker: Sendable {
    public let id: Int32
    public let directory: String
    public let replicaManager: ReplicaManager
    let fetcher: ReplicaFetcher
    private let logger: Logger
    private let stopped = NIOLockedValueBox(false)

    init(id: Int32, dataDirectory: String, config: ReplicationConfig, scheduler: any EngineScheduler, clock: any Clock,
         logger: Logger, traffic: TrafficMeter, topicConfig: @escaping @Sendable (String) -> LogConfig,
         alterPartition: @escaping ReplicaManager.AlterPartition, leaders: @escaping ReplicaFetcher.LeaderLookup) throws {
        self.id = id
        directory = dataDirectory + "/broker-\(id)"
        var logger = logger
        logger[metadataKey: "broker"] = "\(id)"
        self.logger = logger
        let logDirectory = try LogDirectory(path: directory, clock: clock, logger: logger, configForTopic: topicConfig)
        replicaManager = ReplicaManager(brokerId: id, logDirectory: logDirectory, config: config, scheduler: scheduler,
                                        logger: logger, traffic: traffic, alterPartition: alterPartition)
        fetcher = ReplicaFetcher(follower: replicaManager, leaders: leaders, logger: logger)
    }

    public var isStopped: Bool { stopped.withLockedValue { $0 } }

    func startFetching() { fetcher.start() }

    /// Stops the broker. `clean` writes the high watermark and log checkpoints and the
    /// clean-shutdown marker, as a controlled shutdown does; otherwise the broker just stops,
    /// as after `kill -9`, and its next start recovers its logs.
    func stop(clean: Bool) {
        let already = stopped.withLockedValue { state -> Bool in
            defer { state = true }
            return state
        }
        guard !already else { return }
        fetcher.stop()
        replicaManager.completeWaitingRequests()
        guard clean else {
            logger.info("Broker \(id) killed")
            return
        }
        do {
            try replicaManager.checkpointHighWatermarks()
            try replicaManager.logDirectory.close()
        } catch {
            logger.error("Broker \(id) did not stop cleanly: \(error)")
        }
        logger.info("Broker \(id) stopped")
    }
}
