import KafkaProtocol
import LogStore
import NIOConcurrencyHelpers
import NIOCore

/// One partition as a broker hosts it: its log and its role, leader or follower (Kafka's
/// `Partition`). Leader-side bookkeeping lives in `LeaderReplicaState`; this type adds the
/// log, the follower's own high watermark and the leader-epoch checks.
///
/// Thread-safe: a lock guards the role; the log has its own lock, always taken after it.
final class HostedPartition: @unchecked Sendable {
    enum Role {
        case leader(LeaderReplicaState)
        case follower(FollowerState)
    }

    struct FollowerState {
        var leader: Int32
        var leaderEpoch: Int32
        var partitionEpoch: Int32
        var replicas: [Int32]
        var isr: [Int32]
        var highWatermark: Int64
        /// Set on every new leader epoch: the follower must truncate by leader epoch before it
        /// fetches again (KIP-101/KIP-279).
        var needsTruncation: Bool
    }

    let topicPartition: TopicPartition
    let log: PartitionLog
    let brokerId: Int32
    private let lock = NIOLock()
    private var role: Role

    init(topicPartition: TopicPartition, log: PartitionLog, brokerId: Int32, highWatermark: Int64) {
        self.topicPartition = topicPartition
        self.log = log
        self.brokerId = brokerId
        // Until the controller says otherwise, a partition follows nobody and serves nothing.
        role = .follower(FollowerState(leader: -1, leaderEpoch: -1, partitionEpoch: -1, replicas: [], isr: [],
                                       highWatermark: min(highWatermark, log.logEndOffset), needsTruncation: false))
    }

    // MARK: Views

    var isLeader: Bool { lock.withLock { if case .leader = role { true } else { false } } }

    var highWatermark: Int64 {
        lock.withLock {
            switch role {
            case .leader(let state): state.highWatermark
            case .follower(let state): state.highWatermark
            }
        }
    }

    var leaderEpoch: Int32 {
        lock.withLock {
            switch role {
            case .leader(let state): state.leaderEpoch
            case .follower(let state): state.leaderEpoch
            }
        }
    }

    var leaderState: LeaderReplicaState? {
        lock.withLock { if case .leader(let state) = role { state } else { nil } }
    }

    var followerState: FollowerState? {
        lock.withLock { if case .follower(let state) = role { state } else { nil } }
    }

    // MARK: Role changes

    /// Applies the controller's decision. A new leader epoch makes this broker leader or
    /// follower anew; the same epoch with a newer partition epoch only updates the ISR.
    /// Returns whether the role or the high watermark changed in a way waiting requests care
    /// about.
    @discardableResult
    func apply(_ state: PartitionState, nowMs: Int64, config: ReplicationConfig) -> Bool {
        lock.withLock {
            switch role {
            case .leader(var current) where current.leaderEpoch == state.leaderEpoch && state.leader == brokerId:
                guard state.partitionEpoch > current.partitionEpoch else { return false }
                current.isrChangeCommitted(isr: Set(state.isr), partitionEpoch: state.partitionEpoch, nowMs: nowMs,
                                           replicaLagTimeMaxMs: config.replicaLagTimeMaxMs)
                role = .leader(current)
                return true
            case .follower(var current) where current.leaderEpoch == state.leaderEpoch && state.leader != brokerId:
                current.partitionEpoch = state.partitionEpoch
                current.isr = state.isr
                current.replicas = state.replicas
                role = .follower(current)
                return false
            default:
                break
            }
            let highWatermark: Int64
            switch role {
            case .leader(let old): highWatermark = old.highWatermark
            case .follower(let old): highWatermark = old.highWatermark
            }
            if state.leader == brokerId {
                role = .leader(LeaderReplicaState(
                    leaderId: brokerId, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch,
                    replicas: state.replicas, isr: Set(state.isr), leaderLogEndOffset: log.logEndOffset,
                    highWatermark: highWatermark, nowMs: nowMs))
            } else {
                role = .follower(FollowerState(
                    leader: state.leader, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch,
                    replicas: state.replicas, isr: state.isr, highWatermark: min(highWatermark, log.logEndOffset),
                    needsTruncation: true))
            }
            return true
        }
    }

    // MARK: Leader: produce

    struct LeaderAppend {
        var info: LogAppendInfo
        var highWatermarkMoved: Bool
    }

    func appendAsLeader(_ records: ByteBuffer, requiredAcks: Int16, minInSyncReplicas: Int, nowMs: Int64,
                        config: ReplicationConfig) throws(ReplicationError) -> LeaderAppend {
        lock.lock()
        defer { lock.unlock() }
        do {
            guard case .leader(var state) = role else { throw ReplicationError.notLeaderOrFollower(topicPartition) }
            // Kafka refuses acks=all up front when the ISR is already too small, so nothing is
            // written that could never be acknowledged.
            if requiredAcks == -1, !state.canAcceptAcksAll(minInSyncReplicas: minInSyncReplicas) {
                throw ReplicationError.notEnoughReplicas(topicPartition, isr: state.isr.count, minInSyncReplicas: minInSyncReplicas)
            }
            let info = try log.append(records, leaderEpoch: state.leaderEpoch, origin: .leader)
            let moved = state.leaderAppended(logEndOffset: log.logEndOffset, nowMs: nowMs,
                                             replicaLagTimeMaxMs: config.replicaLagTimeMaxMs)
            role = .leader(state)
            return LeaderAppend(info: info, highWatermarkMoved: moved)
        } catch let error as ReplicationError {
            throw error
        } catch let error as LogStoreError {
            throw .log(topicPartition, error)
        } catch {
            throw .log(topicPartition, .corruptRecord("\(error)"))
        }
    }

    /// Where an `acks=all` produce stands; `.lostLeadership` once this broker is no longer
    /// the leader of the epoch it appended in.
    enum AcksAllStatus: Equatable {
        case outcome(LeaderReplicaState.AcksAllOutcome)
        case lostLeadership
    }

    func acksAllStatus(requiredOffset: Int64, leaderEpoch: Int32, minInSyncReplicas: Int) -> AcksAllStatus {
        lock.withLock {
            guard case .leader(let state) = role, state.leaderEpoch == leaderEpoch else { return .lostLeadership }
            return .outcome(state.acksAll(requiredOffset: requiredOffset, minInSyncReplicas: minInSyncReplicas))
        }
    }

    // MARK: Leader: fetch

    /// Checks a request's leader epoch against the partition's (KIP-320): older is fenced,
    /// newer is unknown (this broker has not heard of it yet).
    func validate(currentLeaderEpoch: Int32?, mustBeLeader: Bool) throws(ReplicationError) {
        let (isLeader, epoch) = lock.withLock { () -> (Bool, Int32) in
            switch role {
            case .leader(let state): (true, state.leaderEpoch)
            case .follower(let state): (false, state.leaderEpoch)
            }
        }
        if let requested = currentLeaderEpoch, requested >= 0 {
            if requested < epoch { throw .fencedLeaderEpoch(topicPartition, requested: requested, current: epoch) }
            if requested > epoch { throw .unknownLeaderEpoch(topicPartition, requested: requested, current: epoch) }
        }
        if mustBeLeader, !isLeader { throw .notLeaderOrFollower(topicPartition) }
    }

    /// A follower fetched from `fetchOffset`: record it (it may move the high watermark).
    func recordFollowerFetch(_ replica: Int32, fetchOffset: Int64, nowMs: Int64, config: ReplicationConfig) -> Bool {
        lock.withLock {
            guard case .leader(var state) = role else { return false }
            let moved = state.followerFetched(replica, fetchOffset: fetchOffset, nowMs: nowMs,
                                              replicaLagTimeMaxMs: config.replicaLagTimeMaxMs)
            role = .leader(state)
            return moved
        }
    }

    // MARK: Leader: DeleteRecords

    /// Moves the log start offset up to `offset` on the leader (Kafka's
    /// `Partition.deleteRecordsOnLeader`): -1 means the high watermark; an offset below 0 or
    /// above the high watermark is out of range. Returns the new log start offset. The role
    /// lock is held throughout, so the leadership and high watermark checked are the ones
    /// the deletion happens under.
    func deleteRecordsAsLeader(before offset: Int64) throws(ReplicationError) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        guard case .leader(let state) = role else { throw .notLeaderOrFollower(topicPartition) }
        let target = offset == -1 ? state.highWatermark : offset
        do {
            guard target >= 0, target <= state.highWatermark else {
                throw LogStoreError.offsetOutOfRange(offset: target, logStartOffset: log.logStartOffset,
                                                     logEndOffset: state.highWatermark)
            }
            return try log.deleteRecords(before: target, highWatermark: state.highWatermark)
        } catch let error as LogStoreError {
            throw .log(topicPartition, error)
        } catch {
            throw .log(topicPartition, .corruptRecord("\(error)"))
        }
    }

    // MARK: Leader: ISR

    /// The ISR change to ask the controller for now, if any: first a shrink of lagging
    /// members, else adding `fetchedBy` — the follower that just fetched — when it has caught
    /// up (Kafka's `maybeShrinkIsr`, and `maybeExpandIsr` which runs only on that follower's
    /// fetch, so a silent follower is never re-added). The proposal is recorded as pending.
    func proposeIsrChange(nowMs: Int64, config: ReplicationConfig, fetchedBy: Int32?) -> (leaderEpoch: Int32, partitionEpoch: Int32, isr: Set<Int32>)? {
        lock.withLock {
            guard case .leader(var state) = role, state.pendingIsrChange == nil else { return nil }
            var proposal: Set<Int32>?
            let lagging = state.outOfSyncReplicas(nowMs: nowMs, replicaLagTimeMaxMs: config.replicaLagTimeMaxMs)
            if !lagging.isEmpty {
                proposal = state.proposeShrink(removing: lagging)
            } else if let joining = fetchedBy, state.canJoinIsr(joining) {
                proposal = state.proposeExpand(adding: joining)
            }
            guard let proposal else { return nil }
            role = .leader(state)
            return (state.leaderEpoch, state.partitionEpoch, proposal)
        }
    }

    func isrChangeAnswered(isr: Set<Int32>?, partitionEpoch: Int32?, leaderEpoch: Int32, nowMs: Int64,
                           config: ReplicationConfig) {
        lock.withLock {
            guard case .leader(var state) = role, state.leaderEpoch == leaderEpoch else { return }
            if let isr, let partitionEpoch, partitionEpoch > state.partitionEpoch {
                state.isrChangeCommitted(isr: isr, partitionEpoch: partitionEpoch, nowMs: nowMs,
                                         replicaLagTimeMaxMs: config.replicaLagTimeMaxMs)
            } else {
                state.isrChangeFailed()
            }
            role = .leader(state)
        }
    }

    // MARK: Follower

    func followerTruncated() {
        lock.withLock {
            guard case .follower(var state) = role else { return }
            state.needsTruncation = false
            state.highWatermark = min(state.highWatermark, log.logEndOffset)
            role = .follower(state)
        }
    }

    /// The follower appended what it fetched; its high watermark is the leader's, capped at
    /// what it has (Kafka's `updateFollowerHighWatermark`).
    func followerCaughtUp(leaderHighWatermark: Int64, leaderEpoch: Int32) {
        lock.withLock {
            guard case .follower(var state) = role, state.leaderEpoch == leaderEpoch else { return }
            state.highWatermark = max(state.highWatermark, min(leaderHighWatermark, log.logEndOffset))
            role = .follower(state)
        }
    }
}
