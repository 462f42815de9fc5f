import BrokerEngine
import NIOConcurrencyHelpers
import Testing

@Suite struct PurgatoryTests {
    /// A condition the test flips, and a record of how the operation completed.
    final class Probe: Sendable {
        let ready = NIOLockedValueBox(false)
        let outcomes = NIOLockedValueBox([Bool]())
        let operation: DelayedOperation

        init() {
            let ready = self.ready, outcomes = self.outcomes
            operation = DelayedOperation(
                check: { ready.withLockedValue { $0 } },
                onComplete: { expired in outcomes.withLockedValue { $0.append(expired) } })
        }
    }

    @Test func operationThatCanCompleteNowIsNotWatched() {
        let scheduler = ManualScheduler()
        let purgatory = Purgatory<String>(name: "produce", scheduler: scheduler)
        let probe = Probe()
        probe.ready.withLockedValue { $0 = true }
        #expect(purgatory.tryCompleteElseWatch(probe.operation, keys: ["orders-0"], timeoutMs: 1_000))
        #expect(probe.outcomes.withLockedValue { $0 } == [false])
        #expect(purgatory.watchedCount == 0)
        #expect(scheduler.pendingTimerCount == 0)
    }

    @Test func eventOnItsKeyCompletesAWatchedOperationOnce() {
        let scheduler = ManualScheduler()
        let purgatory = Purgatory<String>(name: "produce", scheduler: scheduler)
        let probe = Probe()
        #expect(!purgatory.tryCompleteElseWatch(probe.operation, keys: ["orders-0", "orders-1"], timeoutMs: 1_000))
        #expect(purgatory.watchedCount == 2)
        #expect(purgatory.checkAndComplete("orders-0") == 0)     // condition still false
        probe.ready.withLockedValue { $0 = true }
        #expect(purgatory.checkAndComplete("other-0") == 0)      // not watched there
        #expect(purgatory.checkAndComplete("orders-1") == 1)
        #expect(purgatory.checkAndComplete("orders-0") == 0)     // already completed
        #expect(probe.outcomes.withLockedValue { $0 } == [false])
        #expect(scheduler.pendingTimerCount == 0)                // its timer was cancelled
        scheduler.advance(byMs: 5_000)
        #expect(probe.outcomes.withLockedValue { $0 } == [false])
    }

    @Test func timeoutCompletesAsExpiredAndStopsWatching() {
        let scheduler = ManualScheduler()
        let purgatory = Purgatory<String>(name: "fetch", scheduler: scheduler)
        let probe = Probe()
        purgatory.tryCompleteElseWatch(probe.operation, keys: ["orders-0"], timeoutMs: 500)
        scheduler.advance(byMs: 499)
        #expect(probe.outcomes.withLockedValue { $0 }.isEmpty)
        scheduler.advance(byMs: 1)
        #expect(probe.outcomes.withLockedValue { $0 } == [true])
        #expect(purgatory.watchedCount == 0)
        probe.ready.withLockedValue { $0 = true }
        #expect(purgatory.checkAndComplete("orders-0") == 0)
    }

    @Test func completeAllExpiresEverythingWatched() {
        let scheduler = ManualScheduler()
        let purgatory = Purgatory<String>(name: "fetch", scheduler: scheduler)
        let probes = (0..<3).map { _ in Probe() }
        for (i, probe) in probes.enumerated() {
            purgatory.tryCompleteElseWatch(probe.operation, keys: ["t-\(i % 2)"], timeoutMs: 10_000)
        }
        purgatory.completeAll("t-0")
        #expect(probes.map { $0.outcomes.withLockedValue { $0 } } == [[true], [], [true]])
        purgatory.completeAll()
        #expect(probes.map { $0.outcomes.withLockedValue { $0 } } == [[true], [true], [true]])
        #expect(purgatory.watchedCount == 0)
    }
}
