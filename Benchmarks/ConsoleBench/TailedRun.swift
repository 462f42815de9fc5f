import BrokerEngine
import Console
import Foundation

/// The producer running while the console follows its topic: a `ConsoleApp` with a
/// `MessagesView` (its own `TailSession`, from the end, 5,000-record ring) over a counting
/// `EmbeddedBackend`, snapshots pumped as `wharf console` does, and this thread playing the
/// console loop: `tick()` + `render(size:)` every 100 ms, each frame timed.
struct TailedRun {
    var producer = BenchProducer.Outcome()
    var receivedPerSecond = 0.0
    var skippedPerSecond = 0.0
    /// What the view itself says at the end (`sampling 1 in N`), nil when it keeps up.
    var viewSamplingOneIn: Int?
    var frames = 0
    /// Frames drawn with the ring full: the times reported.
    var fullFrames = 0
    var medianMs: Double?
    var p99Ms: Double?
    /// The same frames' CPU time on the UI thread (the rest of the wall time was waiting).
    var cpuMedianMs: Double?
    var cpuP99Ms: Double?

    static func measure(cluster: Cluster, topic: String) throws -> TailedRun {
        let backend = CountingBackend(EmbeddedBackend(cluster: cluster))
        let options = ConsoleOptions()
        let view = MessagesView(topic: topic)
        let app = ConsoleApp(backend: backend, options: options, root: view)
        app.bridge.startSnapshots(intervalMs: options.snapshotIntervalMs)
        defer {
            app.bridge.stop()
            view.didLeaveStack()
            waitForNoRuns(view.session)
        }
        // The tail has found its start and is reading before the producer begins.
        let ready = monotonicSeconds() + 30
        while backend.current.reads == 0 {
            guard monotonicSeconds() < ready else { throw BenchError("the tail did not start reading in 30 s") }
            usleep(10_000)
        }

        var result = TailedRun()
        let pending = try BenchProducer(cluster: cluster, topic: topic, partitions: TailBench.partitions)
            .start(seconds: TailBench.seconds)
        let before = backend.current
        let start = monotonicSeconds()
        var times: [Double] = [], cpuTimes: [Double] = []
        while monotonicSeconds() - start < TailBench.seconds {
            let due = start + Double(result.frames) * TailBench.frameIntervalSeconds
            let wait = due - monotonicSeconds()
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
            let frameStart = monotonicSeconds(), frameCPUStart = threadCPUSeconds()
            app.tick()
            let screen = app.render(size: TailBench.frameSize)
            let elapsedMs = (monotonicSeconds() - frameStart) * 1000
            let cpuMs = (threadCPUSeconds() - frameCPUStart) * 1000
            precondition(screen.size == TailBench.frameSize)
            result.frames += 1
            if view.session.ring.count == view.session.ring.capacity {
                times.append(elapsedMs)
                cpuTimes.append(cpuMs)
            }
        }
        result.producer = try pending.wait()
        let after = backend.current
        let elapsed = monotonicSeconds() - start
        result.receivedPerSecond = Double(after.received - before.received) / elapsed
        // Every record produced was either read or skipped; what is left is the tail's lag at
        // the end, at most one read interval's worth.
        result.skippedPerSecond = max(0, result.producer.recordsPerSecond - result.receivedPerSecond)
        result.viewSamplingOneIn = view.session.ring.contents(nowMs: options.clock()).samplingOneIn
        result.fullFrames = times.count
        func percentile(_ values: [Double], _ fraction: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
        }
        if !times.isEmpty {
            result.medianMs = percentile(times, 0.5)
            result.p99Ms = percentile(times, 0.99)
            result.cpuMedianMs = percentile(cpuTimes, 0.5)
            result.cpuP99Ms = percentile(cpuTimes, 0.99)
        }
        return result
    }

    /// Stopped sessions end at their next await; wait (bounded) so the next measurement
    /// does not share the CPU with this one's last read.
    static func waitForNoRuns(_ session: TailSession) {
        let deadline = monotonicSeconds() + 5
        while session.activeRuns > 0, monotonicSeconds() < deadline { usleep(5_000) }
    }
}
