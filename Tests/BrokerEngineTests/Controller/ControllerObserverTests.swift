import BrokerEngine
import Dispatch
import Foundation
import LogStore
import Testing

@Suite("Controller observers and concurrency")
struct ControllerObserverTests {
    @Test func subscribersSeeEveryChangeInCommitOrderFromTheImageTheyStartedAt() throws {
        let h = try ControllerHarness()
        let seen = ChangeLog()
        let (start, subscription) = h.controller.subscribe { seen.append($0) }
        #expect(start == h.image)
        try h.controller.createTopic("a", partitions: 1, replicationFactor: 1)
        try h.controller.createTopic("b", partitions: 1, replicationFactor: 1)
        try h.controller.fenceBroker(0)
        let changes = seen.all
        #expect(changes.count == 3)
        #expect(changes.first?.previous == start)
        for (earlier, later) in zip(changes, changes.dropFirst()) { #expect(later.previous == earlier.image) }
        #expect(changes.last?.image == h.image)
        subscription.cancel()
        try h.controller.createTopic("c", partitions: 1, replicationFactor: 1)
        #expect(seen.all.count == 3, "no delivery after cancel")
    }

    @Test func subscriberMayCallBackIntoTheController() throws {
        var config = ClusterConfig()
        config.autoLeaderRebalanceEnable = false
        let h = try ControllerHarness(config: config)
        try h.controller.createTopic("orders", partitions: 3, replicationFactor: 2)
        let controller = h.controller
        let reactions = ChangeLog()
        // Like a replica manager: on a fence, react by asking for a preferred election.
        _ = controller.subscribe { change in
            if change.records.contains(where: { if case .brokerFenced = $0 { true } else { false } }) {
                _ = try? controller.preferredLeaderElection()
                reactions.append(change)
            }
        }
        try controller.fenceBroker(1)
        #expect(reactions.all.count == 1)
        #expect(h.image.partitionsLed(by: 1).isEmpty)
    }

    @Test func changesStreamDeliversCommittedChanges() async throws {
        let h = try ControllerHarness()
        let (image, stream) = h.controller.changes()
        #expect(image.topic(named: "orders") == nil)
        try h.controller.createTopic("orders", partitions: 2, replicationFactor: 2)
        var iterator = stream.makeAsyncIterator()
        let change = try #require(await iterator.next())
        #expect(change.image.topic(named: "orders")?.partitionCount == 2)
        #expect(change.records.count == 3, "topic + 2 partitions")
    }

    @Test func concurrentAdminCallsAreSerialisedAndDurable() throws {
        let h = try ControllerHarness()
        let controller = h.controller
        let failures = NSLock()
        nonisolated(unsafe) var failureCount = 0
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            do {
                try controller.createTopic("t\(i)", partitions: 2, replicationFactor: 2)
                _ = try controller.allocateProducerIds(brokerId: Int32(i % 3))
                try controller.heartbeat(brokerId: Int32(i % 3))
            } catch {
                failures.withLock { failureCount += 1 }
            }
        }
        #expect(failures.withLock { failureCount } == 0)
        #expect(h.image.topicNames.count == 16)
        #expect(h.image.nextProducerId == 16_000)
        let before = h.image
        try h.restart()
        #expect(h.image.topicsById == before.topicsById)
        #expect(h.image.nextProducerId == 16_000)
    }

    @Test func closedControllerRefusesOperations() throws {
        let h = try ControllerHarness()
        h.controller.close()
        #expect(throws: ControllerError.closed) { try h.controller.createTopic("x", partitions: 1, replicationFactor: 1) }
        #expect(throws: ControllerError.closed) { try h.controller.heartbeat(brokerId: 0) }
    }
}
