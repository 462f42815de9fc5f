import BrokerEngine
@testable import Console
import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOCore
import Testing

/// The views over a real small cluster through `EmbeddedBackend`: what the console shows
/// is what the engine has, and operations reach the engine.
@Suite(.serialized) struct EmbeddedBackendTests {
    func app(_ stack: [any ConsoleView], _ snapshot: ClusterSnapshot, backend: any ClusterBackend) -> ConsoleApp {
        let app = ConsoleApp(backend: backend, options: Fixtures.options, root: stack[0])
        app.apply([.replaceStack(stack)])
        app.apply(.snapshot(snapshot))
        return app
    }

    @Test func viewsShowTheEnginesState() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "orders", numPartitions: 3, replicationFactor: 3))
        let orders0 = TopicPartition("orders", 0)
        try await real.produce(orders0, count: 10)
        let snapshot = try await real.snapshot { $0.topics.first { $0.name == "orders" }?.partitions.first?.highWatermark == 10 }

        let topics = app([TopicsView()], snapshot, backend: real.backend).render(size: Fixtures.small)
        let row = try #require(topics.line(containing: "│ orders "))
        #expect(row.contains(" 3  3      10 "), "\(row)")
        #expect(topics.line(containing: "__consumer_offsets") != nil)
        #expect(topics.row(0).contains("brokers 3/3") && topics.row(0).contains("partitions 6"))

        let partitions = app([TopicsView(), PartitionsView(topic: "orders")], snapshot, backend: real.backend)
            .render(size: Fixtures.large)
        let p0 = try #require(partitions.text().first { $0.hasPrefix("│   0 ") })
        #expect(p0.contains("      0      10      10 "), "\(p0)")

        let segments = try await real.backend.segments(of: orders0)
        #expect(segments.count == 1 && segments[0].isActive)
        let segmentsApp = app([SegmentsView(partition: orders0)], snapshot, backend: real.backend)
        segmentsApp.apply(.segments(orders0, Fetched(.success(segments), fetchedAtMs: 0)))
        let segmentsScreen = segmentsApp.render(size: Fixtures.large)
        let active = try #require(segmentsScreen.line(containing: "00000000000000000000.log"))
        #expect(active.hasPrefix("│ ●        0       10 "), "\(active)")

        let configs = try await real.backend.describeConfigs(topic: "orders")
        #expect(configs.contains { $0.name == "cleanup.policy" && $0.value == "delete" })
    }

    @Test func stoppingALeaderMovesLeadershipVisibly() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "orders", numPartitions: 1, replicationFactor: 3))
        let before = try await real.snapshot { $0.topics.first { $0.name == "orders" }?.partitions.first?.leader ?? -1 >= 0 }
        let leader = try #require(before.topics.first { $0.name == "orders" }?.partitions.first?.leader)
        let view = PartitionsView(topic: "orders")
        let app = app([TopicsView(), view], before, backend: real.backend)
        _ = app.render(size: Fixtures.small)

        try await real.backend.stopBroker(leader, controlled: true)
        let after = try await real.snapshot { $0.topics.first { $0.name == "orders" }?.partitions.first?.leader != leader }
        let newLeader = try #require(after.topics.first { $0.name == "orders" }?.partitions.first?.leader)
        #expect(newLeader != leader && newLeader >= 0)
        #expect(after.brokers.first { $0.id == leader }?.state == .stopped)
        app.apply(.snapshot(after))
        let screen = app.render(size: Fixtures.small)
        let row = try #require(screen.rowIndex(where: { $0.hasPrefix("│   0 ") }))
        let column = try #require(screen.column(of: "LEADER", inRow: 3)) + "LEADER".count - 1
        #expect(screen.cell(row, column).character == Character("\(newLeader)"))
        #expect(screen.cell(row, column).style.isBold, "the moved leader stands out, even on the selected row")

        await #expect(throws: BackendError.self) { try await real.backend.stopBroker(leader, controlled: true) }
        try await real.backend.startBroker(leader)
        let restarted = try await real.snapshot { $0.brokers.first { $0.id == leader }?.state == .up }
        #expect(restarted.brokersUp == 3)
    }

    @Test func topicsAreCreatedAndDeletedThroughTheBackend() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "events", numPartitions: 2, replicationFactor: 2))
        await #expect(throws: (any Error).self) {
            try await real.backend.createTopic(NewTopic(name: "events", numPartitions: 2, replicationFactor: 2))
        }
        var snapshot = try await real.snapshot { $0.topics.contains { $0.name == "events" } }
        #expect(snapshot.topics.first { $0.name == "events" }?.replicationFactor == 2)
        try await real.backend.deleteTopic("events")
        snapshot = try await real.snapshot { !$0.topics.contains { $0.name == "events" } }
        #expect(!snapshot.topics.contains { $0.name == "events" })
    }
}

extension Screen {
    func rowIndex(where predicate: (String) -> Bool) -> Int? { text().firstIndex(where: predicate) }
}
