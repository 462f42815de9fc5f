import Foundation
import Logging
import NIOConcurrencyHelpers

/// The classic consumer group coordinator (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
/// offset commit/fetch/delete, list/describe/delete groups), following Kafka's
/// `GroupCoordinator.scala` / `GroupMetadataManager` for the classic protocol.
///
/// Thread safety: every group lives behind one `NIOLock`. Each public method takes the
/// lock once, changes state, and releases it; answers to *other* waiting requests (the
/// JoinGroups a rebalance completes, the SyncGroups the leader's assignment completes)
/// are collected while locked and delivered after unlocking, so a completion may call
/// back into the coordinator. Timers (`EngineScheduler`) re-enter through the same lock
/// and re-check that they are still current (a timer id per member and per group), so a
/// cancelled timer that fires anyway does nothing. The `GroupStateStore` is called with
/// the lock held. Waits (a JoinGroup held for the rebalance, a follower's SyncGroup) are
/// completed by events or timers, never by sleeping.
///
/// The API is typed Swift; the KafkaServer handlers map requests onto it and errors to
/// `GroupError.kafkaCode`. Requests that never wait (heartbeat, commits, admin calls) are
/// synchronous; JoinGroup and SyncGroup come in a completion-handler form (for NIO
/// handlers, and for tests that must register a request before moving time) and an
/// `async` form.
public final class GroupCoordinator: @unchecked Sendable {
    // @unchecked: all mutable state below is guarded by `lock`.
    let config: GroupCoordinatorConfig
    let scheduler: any EngineScheduler
    let store: any GroupStateStore
    let logger: Logger
    private let lock = NIOLock()

    // Guarded by `lock`.
    var groups: [String: ClassicGroup] = [:]
    private var deferredCallbacks: [@Sendable () -> Void] = []
    private var nextTimerId: UInt64 = 0
    private var retentionTimer: (any Cancellable)?
    private var isShutDown = false

    /// Creates a coordinator and replays `store` into it: committed offsets come back,
    /// groups with members come back Stable (their members must heartbeat within their
    /// session timeout or be removed) and groups without members come back Empty, as in
    /// Kafka's `GroupMetadataManager.loadGroupsAndOffsets`.
    public init(config: GroupCoordinatorConfig = GroupCoordinatorConfig(),
                scheduler: any EngineScheduler,
                store: any GroupStateStore,
                logger: Logger = Logger(label: "wharf.groups")) throws {
        self.config = config
        self.scheduler = scheduler
        self.store = store
        self.logger = logger
        let stored = try store.load()
        locked {
            restore(stored)
            scheduleRetentionCheck()
        }
    }

    /// Stops the timers and answers every waiting JoinGroup/SyncGroup with
    /// COORDINATOR_NOT_AVAILABLE (Kafka answers NOT_COORDINATOR when it unloads groups).
    public func shutdown() {
        locked {
            isShutDown = true
            retentionTimer?.cancel()
            for group in groups.values {
                group.joinTimer?.cancel()
                group.syncTimer?.cancel()
                for (_, pending) in group.pendingMembers { pending.timer.cancel() }
                for member in group.orderedMembers {
                    member.sessionTimer?.cancel()
                    later(member.takeJoinCompletion(.failure(.coordinatorNotAvailable)))
                    later(member.takeSyncCompletion(.failure(.coordinatorNotAvailable)))
                }
            }
        }
    }

    // MARK: Locking and timers

    /// Runs `body` under the lock, then delivers the completions it queued.
    func locked<T>(_ body: () -> T) -> T {
        let (result, callbacks) = lock.withLock { () -> (T, [@Sendable () -> Void]) in
            let result = body()
            let callbacks = deferredCallbacks
            deferredCallbacks.removeAll()
            return (result, callbacks)
        }
        for callback in callbacks { callback() }
        return result
    }

    /// Queues a completion for delivery once the lock is released. Lock held.
    func later(_ callback: (@Sendable () -> Void)?) {
        if let callback { deferredCallbacks.append(callback) }
    }

    /// Schedules `action` to run under the lock after `delayMs`; returns the timer's id
    /// (for staleness checks) and its handle. Lock held.
    func scheduleTimer(afterMs delayMs: Int64,
                       _ action: @escaping @Sendable (GroupCoordinator, UInt64) -> Void) -> (id: UInt64, timer: any Cancellable) {
        nextTimerId += 1
        let id = nextTimerId
        let timer = scheduler.schedule(afterMs: delayMs) { [weak self] in
            guard let self else { return }
            self.locked {
                guard !self.isShutDown else { return }
                action(self, id)
            }
        }
        return (id, timer)
    }

    var nowMs: Int64 { scheduler.nowMs }

    // MARK: Start-up

    private func restore(_ stored: StoredGroupState) {
        let now = nowMs
        for snapshot in stored.groups {
            let group = ClassicGroup(groupId: snapshot.groupId, nowMs: now)
            group.protocolType = snapshot.protocolType
            group.generationId = snapshot.generationId
            group.protocolName = snapshot.protocolName
            for stored in snapshot.members {
                let protocols = snapshot.protocolName.map { [MemberProtocol(name: $0, metadata: stored.subscription)] } ?? []
                let member = GroupMember(
                    memberId: stored.memberId, groupInstanceId: stored.groupInstanceId,
                    clientId: stored.clientId, clientHost: stored.clientHost,
                    rebalanceTimeoutMs: stored.rebalanceTimeoutMs, sessionTimeoutMs: stored.sessionTimeoutMs,
                    protocolType: snapshot.protocolType ?? "", protocols: protocols)
                member.assignment = stored.assignment
                group.add(member)
            }
            group.leaderId = snapshot.leaderId.flatMap { group.has($0) ? $0 : nil } ?? group.orderedMembers.first?.memberId
            group.restore(state: group.isEmptyOfMembers ? .empty : .stable,
                          timestampMs: snapshot.currentStateTimestampMs ?? now)
            group.computeSubscribedTopics()
            for member in group.orderedMembers { scheduleSessionExpiration(group, member) }
            groups[snapshot.groupId] = group
        }
        for (groupId, offsets) in stored.offsets {
            let group = groups[groupId] ?? ClassicGroup(groupId: groupId, nowMs: now)
            group.offsets.merge(offsets) { _, new in new }
            groups[groupId] = group
        }
        if !groups.isEmpty { logger.info("loaded \(groups.count) groups from the state store") }
    }

    /// Offsets expire on a fixed interval, as Kafka's `offsets.retention.check.interval.ms`.
    private func scheduleRetentionCheck() {
        retentionTimer = scheduleTimer(afterMs: config.offsetsRetentionCheckIntervalMs) { coordinator, _ in
            coordinator.removeExpiredOffsets()
            coordinator.scheduleRetentionCheck()
        }.timer
    }

    // MARK: Admin: list, describe, delete

    /// ListGroups; an empty filter lists every state.
    public func listGroups(statesFilter: Set<GroupState> = []) -> [ListedGroup] {
        locked {
            groups.values
                .filter { statesFilter.isEmpty || statesFilter.contains($0.state) }
                .map { ListedGroup(groupId: $0.groupId, protocolType: $0.protocolType ?? "", state: $0.state) }
                .sorted { $0.groupId < $1.groupId }
        }
    }

    /// DescribeGroups, in the order asked (Kafka's `GroupMetadata.summary`).
    public func describeGroups(_ groupIds: [String]) -> [GroupDescription] {
        locked {
            groupIds.map { groupId in
                guard let group = groups[groupId], group.state != .dead else {
                    return GroupDescription(groupId: groupId, error: .groupIdNotFound, state: .dead,
                                            protocolType: "", protocolName: "", members: [])
                }
                let stable = group.state == .stable
                let protocolName = stable ? (group.protocolName ?? "") : ""
                let members = group.orderedMembers.map { member in
                    DescribedMember(
                        memberId: member.memberId, groupInstanceId: member.groupInstanceId,
                        clientId: member.clientId, clientHost: member.clientHost,
                        metadata: stable ? member.metadata(for: protocolName) : [],
                        assignment: stable ? member.assignment : [])
                }
                return GroupDescription(groupId: groupId, error: nil, state: group.state,
                                        protocolType: group.protocolType ?? "", protocolName: protocolName,
                                        members: members)
            }
        }
    }

    /// DeleteGroups: only Empty groups go (with their offsets); NON_EMPTY_GROUP otherwise,
    /// GROUP_ID_NOT_FOUND for unknown or already dead groups.
    public func deleteGroups(_ groupIds: [String]) -> [GroupDeletionResult] {
        locked {
            groupIds.map { GroupDeletionResult(groupId: $0, error: deleteGroup($0)) }
        }
    }

    private func deleteGroup(_ groupId: String) -> GroupError? {
        guard let group = groups[groupId], group.state != .dead else { return .groupIdNotFound }
        guard group.state == .empty else { return .nonEmptyGroup }
        do {
            try store.removeGroup(groupId: groupId)
        } catch {
            logger.error("deleting group \(groupId) failed in the state store: \(error)")
            return .coordinatorNotAvailable
        }
        removeDeadGroup(group)
        return nil
    }

    /// Marks a group Dead and forgets it. Lock held.
    func removeDeadGroup(_ group: ClassicGroup) {
        group.transition(to: .dead, nowMs: nowMs)
        group.joinTimer?.cancel()
        group.syncTimer?.cancel()
        for (_, pending) in group.pendingMembers { pending.timer.cancel() }
        group.pendingMembers.removeAll()
        groups[group.groupId] = nil
    }

    /// Writes the group's metadata; Kafka's `storeGroup`. Lock held.
    @discardableResult
    func storeGroup(_ group: ClassicGroup) -> GroupError? {
        do {
            try store.storeGroup(group.snapshot())
            return nil
        } catch {
            logger.error("storing group \(group.groupId) failed: \(error)")
            return .coordinatorNotAvailable
        }
    }
}
