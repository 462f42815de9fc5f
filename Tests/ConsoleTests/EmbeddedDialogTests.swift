import BrokerEngine
@testable import Console
import Foundation
import LogStore
import Logging
import Testing

/// The dialogs' backend operations against a real three-broker cluster in a temporary
/// directory: produce, create a topic with configs, and reset a group's offsets (preview,
/// execute, and the refusal while a member is active).
@Suite(.serialized) struct EmbeddedDialogTests {
    @Test func produceLandsWhereItSaysAndKeysStickToAPartition() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "orders", numPartitions: 3, replicationFactor: 2))
        let first = try await real.backend.produce(ProduceRecord(topic: "orders", partition: 1, key: "k", value: "v1",
                                                                 headers: [.init("source", "console")]))
        let second = try await real.backend.produce(ProduceRecord(topic: "orders", partition: 1, value: "v2"))
        #expect(first == ProducedRecord(topicPartition: TopicPartition("orders", 1), offset: 0))
        #expect(second.offset == 1)
        #expect(second.summary == "Produced to orders-1 at offset 1")
        let keyed = try await real.backend.produce(ProduceRecord(topic: "orders", key: "customer-7", value: "v"))
        let again = try await real.backend.produce(ProduceRecord(topic: "orders", key: "customer-7", value: "v"))
        #expect(again.topicPartition == keyed.topicPartition, "a key always lands on the same partition")
        let snapshot = try await real.backend.snapshot()
        #expect(snapshot.topics.first { $0.name == "orders" }?.partitions.first { $0.partition == 1 }?.highWatermark ?? 0 >= 2)
        await #expect(throws: BackendError.self) { try await real.backend.produce(ProduceRecord(topic: "nope", value: "v")) }
        await #expect(throws: BackendError.self) {
            try await real.backend.produce(ProduceRecord(topic: "orders", partition: 3, value: "v"))
        }
    }

    @Test func createTopicDialogCreatesWithConfigsAndShowsTheEnginesRefusal() async throws {
        let real = try RealCluster()
        let app = ConsoleApp(backend: real.backend, options: Fixtures.options, root: TopicsView())
        app.apply(.snapshot(try await real.backend.snapshot()))
        for key in [Key.char("n")] + Key.typing("events") + [.tab] + Key.typing("2") + [.tab] + Key.typing("3") + [.tab]
            + Key.typing("cleanup.policy=compact") { app.handle(key) }
        app.handle(.enter)
        await app.bridge.waitUntilIdle()
        app.tick()
        #expect(app.overlay == nil, "\(app.render(size: Fixtures.small).textDump)")
        let configs = try await real.backend.describeConfigs(topic: "events")
        #expect(configs.contains { $0.name == "cleanup.policy" && $0.value == "compact" })

        for key in [Key.char("n")] + Key.typing("more") + [.up] + Key.typing("no.such.config=1") { app.handle(key) }
        app.handle(.enter)
        await app.bridge.waitUntilIdle()
        app.tick()
        let dialog = try #require(app.overlay as? CreateTopicDialog)
        guard case .error(let reason) = dialog.message else { Issue.record("no inline error"); return }
        #expect(reason.contains("no.such.config"), "\(reason)")
        #expect(!(try await real.backend.snapshot()).topics.contains { $0.name == "more" })
    }

    @Test func resetPreviewsThenCommitsThroughTheEngine() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "orders", numPartitions: 2, replicationFactor: 2))
        for _ in 0..<5 { _ = try await real.backend.produce(ProduceRecord(topic: "orders", partition: 0, value: "x")) }
        for _ in 0..<3 { _ = try await real.backend.produce(ProduceRecord(topic: "orders", partition: 1, value: "x")) }
        let o0 = TopicPartition("orders", 0), o1 = TopicPartition("orders", 1)
        _ = try real.cluster.groups.commitOffsets(groupId: "audit", offsets: [o0: OffsetCommit(offset: 4), o1: OffsetCommit(offset: 1)]).get()

        let plan = try await real.backend.planOffsetReset(groupId: "audit", scope: .allTopics, strategy: .shiftBy(-10))
        #expect(plan.rows == [OffsetResetRow(topicPartition: o0, currentOffset: 4, newOffset: 0),
                              OffsetResetRow(topicPartition: o1, currentOffset: 1, newOffset: 0)], "clamped to the log start")
        #expect(real.cluster.groups.fetchOffsets(groupId: "audit").map(\.offset) == [4, 1], "a preview changes nothing")

        // The same through the dialog: preview, then y.
        let app = ConsoleApp(backend: real.backend, options: Fixtures.options, root: GroupsView(selecting: "audit"))
        app.apply(.snapshot(try await real.backend.snapshot()))
        for key in [Key.char("r"), .down, .down, .right] { app.handle(key) }
        app.handle(.enter)
        await app.bridge.waitUntilIdle()
        app.tick()
        let dialog = try #require(app.overlay as? ResetOffsetsDialog)
        #expect(dialog.plan?.rows.map(\.newOffset) == [5, 3], "to latest")
        let preview = app.render(size: Fixtures.large).textDump
        #expect(preview.contains("        0           4  →            5"), "\(preview)")
        app.handle(.char("y"))
        await app.bridge.waitUntilIdle()
        app.tick()
        #expect(app.overlay == nil)
        #expect(real.cluster.groups.fetchOffsets(groupId: "audit").map(\.offset) == [5, 3])
    }

    @Test func resetIsRefusedWhileAMemberIsActive() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "orders", numPartitions: 1, replicationFactor: 1))
        let o0 = TopicPartition("orders", 0)
        _ = try real.cluster.groups.commitOffsets(groupId: "live", offsets: [o0: OffsetCommit(offset: 0)]).get()
        let groups = real.cluster.groups
        // KIP-394: the first join only hands out a member id; the second joins and waits
        // for the rebalance, which the manual clock completes.
        var memberId = ""
        if case .failure(.memberIdRequired(let id)) = await groups.joinGroup(
            groupId: "live", memberId: "", clientId: "c", clientHost: "/127.0.0.1", protocolType: "consumer",
            protocols: [MemberProtocol(name: "range", metadata: [])], sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000) {
            memberId = id
        }
        let joined = Task { [memberId] in
            await groups.joinGroup(groupId: "live", memberId: memberId, clientId: "c", clientHost: "/127.0.0.1",
                                   protocolType: "consumer", protocols: [MemberProtocol(name: "range", metadata: [])],
                                   sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000)
        }
        let deadline = Date().addingTimeInterval(10)
        while try await real.backend.snapshot().groups.first(where: { $0.groupId == "live" })?.members.isEmpty ?? true,
              Date() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        real.scheduler.advance(byMs: 1_000)
        _ = await joined.value

        let plan = try await real.backend.planOffsetReset(groupId: "live", scope: .allTopics, strategy: .toLatest)
        #expect(plan.groupState != .empty)
        await #expect(throws: BackendError.self) { try await real.backend.executeOffsetReset(plan) }

        let app = ConsoleApp(backend: real.backend, options: Fixtures.options, root: GroupDetailView(groupId: "live"))
        app.apply(.snapshot(try await real.backend.snapshot()))
        app.handle(.char("r"))
        app.handle(.enter)
        await app.bridge.waitUntilIdle()
        app.tick()
        app.handle(.char("y"))
        await app.bridge.waitUntilIdle()
        app.tick()
        let dialog = try #require(app.overlay as? ResetOffsetsDialog)
        guard case .error(let reason) = dialog.message else { Issue.record("no refusal shown"); return }
        #expect(reason.hasPrefix("Assignments can only be reset if the group 'live' is inactive, but the current state is"))
        #expect(app.render(size: Fixtures.small).textDump.contains("Assignments can only be reset if the group 'live'"))
        #expect(groups.fetchOffsets(groupId: "live").map(\.offset) == [0], "nothing changed")
    }
}
