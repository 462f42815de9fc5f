import LogStore
import BrokerEngine
import Foundation

/// A `GroupStateStore` in memory, for tests: keeps the latest group snapshot and
/// offsets, like a compacted `__consumer_offsets` after cleaning. `failWrites` makes
/// every write throw, to exercise COORDINATOR_NOT_AVAILABLE paths.
final class InMemoryGroupStateStore: GroupStateStore, @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    private let lock = NSLock()
    private var groups: [String: GroupSnapshot] = [:]
    private var offsets: [String: [TopicPartition: CommittedOffset]] = [:]
    private var shouldFail = false
    private(set) var groupWrites = 0

    struct InjectedFailure: Error {}

    var failWrites: Bool {
        get { lock.withLock { shouldFail } }
        set { lock.withLock { shouldFail = newValue } }
    }

    var storedGroups: [String: GroupSnapshot] { lock.withLock { groups } }
    var storedOffsets: [String: [TopicPartition: CommittedOffset]] { lock.withLock { offsets } }

    func load() throws -> StoredGroupState {
        lock.withLock { StoredGroupState(groups: groups.values.sorted { $0.groupId < $1.groupId }, offsets: offsets) }
    }

    func storeOffsets(groupId: String, offsets new: [TopicPartition: CommittedOffset]) throws {
        try lock.withLock {
            if shouldFail { throw InjectedFailure() }
            offsets[groupId, default: [:]].merge(new) { _, latest in latest }
        }
    }

    func removeOffsets(groupId: String, partitions: [TopicPartition]) throws {
        try lock.withLock {
            if shouldFail { throw InjectedFailure() }
            for partition in partitions { offsets[groupId]?[partition] = nil }
            if offsets[groupId]?.isEmpty == true { offsets[groupId] = nil }
        }
    }

    func storeGroup(_ snapshot: GroupSnapshot) throws {
        try lock.withLock {
            if shouldFail { throw InjectedFailure() }
            groups[snapshot.groupId] = snapshot
            groupWrites += 1
        }
    }

    func removeGroup(groupId: String) throws {
        try lock.withLock {
            if shouldFail { throw InjectedFailure() }
            groups[groupId] = nil
            offsets[groupId] = nil
        }
    }
}
