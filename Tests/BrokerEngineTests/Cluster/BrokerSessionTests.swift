import BrokerEngine
import LogStore
import Testing

/// A running broker whose session timed out (a stall) is unfenced by its next heartbeat and
/// leads again; a stopped one stays fenced.
struct BrokerSessionTests {
    @Test func aRunningBrokerFencedByTimeoutComesBackOnItsNextHeartbeat() throws {
        let harness = try ClusterHarness()
        // The controller fences broker 2 as if its heartbeats had stalled past the session timeout.
        try harness.cluster.controller.fenceBroker(2)
        #expect(harness.cluster.controller.image.brokers[2]?.state == .fenced)
        harness.scheduler.advance(byMs: harness.cluster.options.heartbeatIntervalMs)
        #expect(harness.cluster.controller.image.brokers[2]?.state == .unfenced)

        try harness.cluster.stopBroker(3, controlled: false)
        harness.scheduler.advance(byMs: harness.cluster.options.heartbeatIntervalMs * 3)
        #expect(harness.cluster.controller.image.brokers[3]?.state == .fenced)
    }
}
