import BrokerEngine
import Testing

@Suite("Async API over the real scheduler")
struct AsyncAPITests {
    @Test func oneConsumerJoinsSyncsAndCommitsThroughTheAsyncAPI() async throws {
        var config = GroupCoordinatorConfig()
        config.initialRebalanceDelayMs = 10
        let coordinator = try GroupCoordinator(config: config, scheduler: DispatchScheduler(),
                                               store: InMemoryGroupStateStore(), logger: GroupHarness.quietLogger)
        defer { coordinator.shutdown() }
        let protocols = GroupHarness.consumerProtocols()
        let outcome = await withTimeout(seconds: 10) { () async -> Result<SyncGroupResult, GroupError>? in
            let first = await coordinator.joinGroup(
                groupId: "g", memberId: "", clientId: "c", clientHost: "h", protocolType: "consumer",
                protocols: protocols, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000)
            guard case .failure(.memberIdRequired(let id)) = first else { return nil }
            let joined = await coordinator.joinGroup(
                groupId: "g", memberId: id, clientId: "c", clientHost: "h", protocolType: "consumer",
                protocols: protocols, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000)
            guard case .success(let result) = joined, result.leaderId == id else { return nil }
            return await coordinator.syncGroup(groupId: "g", generationId: result.generationId, memberId: id,
                                               assignments: [id: [7]])
        }
        #expect(outcome??.success?.assignment == [7])
        #expect(coordinator.describeGroups(["g"]).first?.state == .stable)
    }

    @Test func shutdownAnswersWaitingJoins() async throws {
        let h = try GroupHarness()
        let waiting = h.join(clientId: "a", requireKnownMemberId: false)
        #expect(!waiting.isDone)
        h.coordinator.shutdown()
        #expect(waiting.value?.failure == .coordinatorNotAvailable)
        #expect(waiting.deliveries == 1)
    }
}
