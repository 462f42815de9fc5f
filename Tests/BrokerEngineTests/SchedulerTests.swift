import BrokerEngine
import Foundation
import Testing

/// Collects fired labels in order.
final class Recorder: @unchecked Sendable {
    // @unchecked: `labels` is guarded by `lock`.
    private let lock = NSLock()
    private var labels: [String] = []
    func record(_ label: String) { lock.withLock { labels.append(label) } }
    var fired: [String] { lock.withLock { labels } }
}

@Suite("Schedulers")
struct SchedulerTests {
    @Test func manualSchedulerFiresDueTimersInDeadlineOrderAtTheirDeadline() {
        let scheduler = ManualScheduler(startMs: 1_000)
        let recorder = Recorder()
        scheduler.schedule(afterMs: 30) { recorder.record("c@\(scheduler.nowMs)") }
        scheduler.schedule(afterMs: 10) { recorder.record("a@\(scheduler.nowMs)") }
        scheduler.schedule(afterMs: 10) { recorder.record("b@\(scheduler.nowMs)") }
        let cancelled = scheduler.schedule(afterMs: 20) { recorder.record("never") }
        cancelled.cancel()
        scheduler.advance(byMs: 29)
        #expect(recorder.fired == ["a@1010", "b@1010"])
        #expect(scheduler.nowMs == 1_029)
        scheduler.advance(byMs: 1)
        #expect(recorder.fired == ["a@1010", "b@1010", "c@1030"])
        #expect(scheduler.pendingTimerCount == 0)
    }

    @Test func timersScheduledByAnActionFireInTheSameAdvanceWhenDue() {
        let scheduler = ManualScheduler(startMs: 0)
        let recorder = Recorder()
        scheduler.schedule(afterMs: 5) {
            recorder.record("first")
            scheduler.schedule(afterMs: 5) { recorder.record("second@\(scheduler.nowMs)") }
            scheduler.schedule(afterMs: 50) { recorder.record("later") }
        }
        scheduler.advance(byMs: 20)
        #expect(recorder.fired == ["first", "second@10"])
        #expect(scheduler.pendingTimerCount == 1)
    }

    @Test func dispatchSchedulerRunsAndCancels() async throws {
        let scheduler = DispatchScheduler()
        let recorder = Recorder()
        let cancelled = scheduler.schedule(afterMs: 20) { recorder.record("cancelled") }
        cancelled.cancel()
        let fired = await withTimeout(seconds: 5) { () async -> Bool in
            await withCheckedContinuation { continuation in
                scheduler.schedule(afterMs: 1) {
                    recorder.record("ran")
                    continuation.resume(returning: true)
                }
            }
        }
        #expect(fired == true)
        #expect(recorder.fired == ["ran"])
        #expect(abs(scheduler.nowMs - Int64(Date().timeIntervalSince1970 * 1000)) < 1_000)
    }
}

/// Runs `operation`, giving up after `seconds` (nil), so no test waits unbounded. The
/// operation runs in an unstructured task, so a wait that never completes is abandoned
/// rather than awaited (a task group would wait for it).
func withTimeout<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async -> T) async -> T? {
    let gate = ResumeOnce<T?>()
    return await withCheckedContinuation { continuation in
        gate.arm(continuation)
        Task { gate.resume(with: await operation()) }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            gate.resume(with: nil)
        }
    }
}

/// Resumes a continuation with the first value offered, ignoring later ones.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    // @unchecked: `continuation` is guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    func arm(_ continuation: CheckedContinuation<T, Never>) {
        lock.withLock { self.continuation = continuation }
    }

    func resume(with value: T) {
        let taken = lock.withLock { () -> CheckedContinuation<T, Never>? in
            defer { continuation = nil }
            return continuation
        }
        taken?.resume(returning: value)
    }
}
