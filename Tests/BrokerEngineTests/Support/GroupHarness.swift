import BrokerEngine
import Foundation
import Logging

/// Holds the answer of a JoinGroup/SyncGroup registered through the completion-handler
/// API, so a test can move the manual clock and then look, without awaiting anything.
final class Outcome<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: Value?
    private(set) var deliveries = 0

    func set(_ value: Value) {
        lock.withLock {
            stored = value
            deliveries += 1
        }
    }

    var value: Value? { lock.withLock { stored } }
    var isDone: Bool { value != nil }
}

typealias JoinOutcome = Outcome<Result<JoinGroupResult, GroupError>>
typealias SyncOutcome = Outcome<Result<SyncGroupResult, GroupError>>

extension Result {
    var success: Success? { if case .success(let value) = self { value } else { nil } }
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
}

/// A coordinator over a manual clock and an in-memory store, with short-hands for
/// simulated consumers.
struct GroupHarness {
    let scheduler: ManualScheduler
    let store: InMemoryGroupStateStore
    let coordinator: GroupCoordinator
    static let sessionTimeoutMs: Int32 = 10_000
    /// Rebalance chatter at info level would bury the test report.
    static let quietLogger: Logger = {
        var logger = Logger(label: "wharf.groups.test")
        logger.logLevel = .warning
        return logger
    }()
    static let rebalanceTimeoutMs: Int32 = 30_000

    init(config: GroupCoordinatorConfig = GroupCoordinatorConfig(),
         scheduler: ManualScheduler = ManualScheduler(),
         store: InMemoryGroupStateStore = InMemoryGroupStateStore()) throws {
        self.scheduler = scheduler
        self.store = store
        self.coordinator = try GroupCoordinator(config: config, scheduler: scheduler, store: store,
                                                logger: GroupHarness.quietLogger)
    }

    /// A consumer protocol ("consumer" type) with a subscription to `topics`.
    static func consumerProtocols(_ names: [String] = ["range"], topics: [String] = ["orders"]) -> [MemberProtocol] {
        names.map { MemberProtocol(name: $0, metadata: subscriptionBytes(topics: topics)) }
    }
}

/// Anything with a coordinator on a manual clock can drive simulated consumers: the
/// in-memory harness, and the `__consumer_offsets` tests that restart a coordinator over
/// real logs.
protocol GroupDriving {
    var scheduler: ManualScheduler { get }
    var coordinator: GroupCoordinator { get }
}

extension GroupHarness: GroupDriving {}

extension GroupDriving {
    @discardableResult
    func join(_ groupId: String = "g", memberId: String = "", instanceId: String? = nil,
              clientId: String = "client", protocolType: String = "consumer",
              protocols: [MemberProtocol] = GroupHarness.consumerProtocols(),
              sessionTimeoutMs: Int32 = GroupHarness.sessionTimeoutMs,
              rebalanceTimeoutMs: Int32 = GroupHarness.rebalanceTimeoutMs,
              requireKnownMemberId: Bool = true, supportsSkippingAssignment: Bool = true) -> JoinOutcome {
        let outcome = JoinOutcome()
        coordinator.joinGroup(groupId: groupId, memberId: memberId, groupInstanceId: instanceId,
                              clientId: clientId, clientHost: "/127.0.0.1", protocolType: protocolType,
                              protocols: protocols, sessionTimeoutMs: sessionTimeoutMs,
                              rebalanceTimeoutMs: rebalanceTimeoutMs,
                              requireKnownMemberId: requireKnownMemberId,
                              supportsSkippingAssignment: supportsSkippingAssignment) { outcome.set($0) }
        return outcome
    }

    /// The KIP-394 first round: returns the member id MEMBER_ID_REQUIRED handed out.
    func memberId(_ groupId: String = "g", clientId: String) -> String? {
        guard case .failure(.memberIdRequired(let id)) = join(groupId, clientId: clientId).value else { return nil }
        return id
    }

    @discardableResult
    func sync(_ groupId: String = "g", generation: Int32, memberId: String, instanceId: String? = nil,
              assignments: [String: [UInt8]] = [:]) -> SyncOutcome {
        let outcome = SyncOutcome()
        coordinator.syncGroup(groupId: groupId, generationId: generation, memberId: memberId,
                              groupInstanceId: instanceId, assignments: assignments) { outcome.set($0) }
        return outcome
    }

    func state(_ groupId: String = "g") -> GroupState {
        coordinator.describeGroups([groupId])[0].state
    }

    /// Two dynamic members through MEMBER_ID_REQUIRED, the initial delay and the leader's
    /// sync: returns (leader id, follower id), generation 1, Stable.
    func stableGroupOfTwo(_ groupId: String = "g", topics: [String] = ["orders"]) -> (String, String)? {
        guard let a = memberId(groupId, clientId: "a"), let b = memberId(groupId, clientId: "b") else { return nil }
        let protocols = GroupHarness.consumerProtocols(topics: topics)
        let joinA = join(groupId, memberId: a, clientId: "a", protocols: protocols)
        let joinB = join(groupId, memberId: b, clientId: "b", protocols: protocols)
        scheduler.advance(byMs: 1_000)
        guard joinA.value?.success?.generationId == 1, joinB.isDone else { return nil }
        sync(groupId, generation: 1, memberId: a, assignments: [a: [1], b: [2]])
        sync(groupId, generation: 1, memberId: b)
        return (a, b)
    }
}

/// ConsumerProtocolSubscription v1 bytes: version, topics, null user data, no owned partitions.
func subscriptionBytes(topics: [String], version: Int16 = 1) -> [UInt8] {
    var out: [UInt8] = []
    func int16(_ v: Int16) { out += [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
    func int32(_ v: Int32) { out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    int16(version)
    int32(Int32(topics.count))
    for topic in topics {
        int16(Int16(topic.utf8.count))
        out += Array(topic.utf8)
    }
    int32(-1)
    if version >= 1 { int32(0) }
    return out
}

/// ConsumerProtocolAssignment bytes: version, topics with their partitions (in the order
/// given), then user data (null unless given).
func assignmentBytes(_ topics: [(String, [Int32])], version: Int16 = 0, userData: [UInt8]? = nil) -> [UInt8] {
    var out: [UInt8] = []
    func int16(_ v: Int16) { out += [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
    func int32(_ v: Int32) { out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    int16(version)
    int32(Int32(topics.count))
    for (topic, partitions) in topics {
        int16(Int16(topic.utf8.count))
        out += Array(topic.utf8)
        int32(Int32(partitions.count))
        partitions.forEach(int32)
    }
    if let userData {
        int32(Int32(userData.count))
        out += userData
    } else {
        int32(-1)
    }
    return out
}
