import Dispatch
import Foundation
import LogStore
import Logging
import NIOConcurrencyHelpers

/// Keeps one broker's follower partitions up to date with their leaders (Kafka's
/// `ReplicaFetcherThread`, in process): truncate by leader epoch after a leader change,
/// then fetch from the log end and append what comes back.
///
/// It runs on its own thread. After a round that moved data it goes again at once (the next
/// fetch tells the leader how far it got, which is what moves the high watermark); otherwise
/// it sleeps until `wakeUp()` — called on every leader append — or `replica.fetch.wait.max.ms`.
///
/// Thread-safe.
public final class ReplicaFetcher: @unchecked Sendable {
    /// How to reach the broker that leads a partition, or nil when that broker is down (the
    /// fetch is skipped until the controller names a new leader).
    public typealias LeaderLookup = @Sendable (_ brokerId: Int32) -> (any ReplicaFetchSource)?

    private let follower: ReplicaManager
    private let leaders: LeaderLookup
    private let logger: Logger
    private let wake = DispatchSemaphore(value: 0)
    /// A wake-up is already signalled and not yet consumed: appends arriving in a burst
    /// wake the fetcher once, not once each.
    private let wakePending = NIOLockedValueBox(false)
    private let state = NIOLockedValueBox(State())

    private struct State {
        var running = false
        var thread: Thread?
        var stopped: DispatchSemaphore?
    }

    public init(follower: ReplicaManager, leaders: @escaping LeaderLookup, logger: Logger) {
        self.follower = follower
        self.leaders = leaders
        self.logger = logger
    }

    public func start() {
        let stopped = DispatchSemaphore(value: 0)
        let begin = state.withLockedValue { state -> Bool in
            guard !state.running else { return false }
            state.running = true
            state.stopped = stopped
            return true
        }
        guard begin else { return }
        let thread = Thread { [self] in
            while state.withLockedValue({ $0.running }) {
                wakePending.withLockedValue { $0 = false }
                if !runOnce() {
                    _ = wake.wait(timeout: .now() + .milliseconds(Int(follower.config.replicaFetchWaitMaxMs)))
                }
            }
            stopped.signal()
        }
        thread.name = "wharf-replica-fetcher-\(follower.brokerId)"
        state.withLockedValue { $0.thread = thread }
        thread.start()
    }

    /// Stops the thread and waits for it to finish its round.
    public func stop() {
        let stopped = state.withLockedValue { state -> DispatchSemaphore? in
            guard state.running else { return nil }
            state.running = false
            return state.stopped
        }
        guard let stopped else { return }
        wake.signal()
        stopped.wait()
    }

    public func wakeUp() {
        let signal = wakePending.withLockedValue { pending -> Bool in
            defer { pending = true }
            return !pending
        }
        if signal { wake.signal() }
    }

    /// One round over every follower partition; returns whether any data moved. Tests call it
    /// directly to replicate deterministically.
    @discardableResult
    public func runOnce() -> Bool {
        var progress = false
        for partition in follower.hostedPartitionStates {
            let topicPartition = partition.topicPartition
            guard let state = partition.followerState,
                  state.leader >= 0, state.leader != follower.brokerId, let leader = leaders(state.leader) else { continue }
            do {
                if state.needsTruncation { try truncate(partition, state: state, leader: leader) }
                progress = try fetch(partition, state: state, leader: leader) || progress
            } catch {
                // Metadata not caught up yet (fenced/unknown epoch, leader moved): try again
                // next round, as Kafka's fetcher does after a partition error.
                logger.debug("Replica fetch of \(topicPartition) from broker \(state.leader) failed: \(error)")
            }
        }
        return progress
    }

    /// Truncates to where this follower's log and the leader's agree (KIP-279): ask the
    /// leader where our latest epoch ends in its log and cut there (or at our own end of that
    /// epoch when the leader knows only an older one).
    private func truncate(_ partition: HostedPartition, state: HostedPartition.FollowerState, leader: any ReplicaFetchSource) throws {
        let log = partition.log
        let target: Int64
        if let latest = log.latestEpoch {
            let answer = try leader.offsetForLeaderEpoch(partition.topicPartition, currentLeaderEpoch: state.leaderEpoch,
                                                         leaderEpoch: latest)
            if answer.epoch < 0 {
                target = state.highWatermark
            } else {
                let ours = log.endOffset(forLeaderEpoch: answer.epoch)
                target = min(answer.endOffset, ours.endOffset)
            }
        } else {
            target = state.highWatermark   // no epochs (old data): Kafka falls back to the high watermark
        }
        if target < log.logEndOffset {
            logger.info("Truncating \(partition.topicPartition) on broker \(follower.brokerId) from \(log.logEndOffset) to \(target) after leader epoch \(state.leaderEpoch)")
            _ = try log.truncate(to: target)
        }
        partition.followerTruncated()
    }

    /// Fetches from the log end; returns whether records were appended.
    private func fetch(_ partition: HostedPartition, state: HostedPartition.FollowerState, leader: any ReplicaFetchSource) throws -> Bool {
        let log = partition.log
        let fetchOffset = log.logEndOffset
        let result: ReplicaFetchResult
        do {
            result = try leader.replicaFetch(partition.topicPartition, replicaId: follower.brokerId, fetchOffset: fetchOffset,
                                             currentLeaderEpoch: state.leaderEpoch, maxBytes: follower.config.replicaFetchMaxBytes)
        } catch .log(_, .offsetOutOfRange(_, let leaderStart, let leaderEnd)) {
            // Behind the leader's log start (retention, DeleteRecords): start over there.
            // Ahead of its end cannot follow truncation by epoch; cut back to be safe.
            if fetchOffset < leaderStart {
                try log.truncateFullyAndStartAt(leaderStart)
            } else if fetchOffset > leaderEnd {
                _ = try log.truncate(to: leaderEnd)
            }
            return true
        }
        var appended = false
        if result.records.readableBytes > 0 {
            _ = try log.append(result.records, leaderEpoch: state.leaderEpoch, origin: .replica)
            appended = true
        }
        if result.logStartOffset > log.logStartOffset {
            _ = try log.deleteRecords(before: min(result.logStartOffset, log.logEndOffset))
        }
        partition.followerCaughtUp(leaderHighWatermark: result.highWatermark, leaderEpoch: state.leaderEpoch)
        return appended
    }
}
