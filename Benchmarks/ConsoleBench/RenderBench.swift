import BrokerEngine
import Console
import Foundation

/// Time per frame of `ConsoleApp.render(size:)`: the header, the view's table and the footer
/// drawn into an off-screen `Screen`. Terminal's diff against the previous frame and the
/// ncurses flush need a tty and are not part of these numbers.
///
/// Two kinds of frame, as the console loop makes them: a new snapshot arrived (4 a second
/// while idle; every value may have changed), and a key moved the selection (same snapshot).
struct RenderScenario {
    var name: String
    var view: () -> any ConsoleView
    /// Successive snapshots that differ, applied round-robin in "new snapshot" frames.
    var snapshots: [ClusterSnapshot]
}

enum RenderBench {
    static let targetMs = 10.0
    static let sizes = [Size(rows: 40, columns: 120), Size(rows: 60, columns: 200)]
    static let warmupFrames = 20
    static let frames = 300

    static func scenarios() -> [RenderScenario] {
        func generations(topics: Int, partitions: Int) -> [ClusterSnapshot] {
            (0..<4).map { SyntheticCluster.snapshot(topics: topics, partitionsPerTopic: partitions, generation: $0,
                                                    takenAtMs: 1_700_000_000_000 + Int64($0) * 250) }
        }
        return [
            RenderScenario(name: "Topics view, 100 topics × 100 partitions", view: { TopicsView() },
                           snapshots: generations(topics: 100, partitions: 100)),
            RenderScenario(name: "Partitions view, 1 topic × 10,000 partitions", view: { PartitionsView(topic: "topic-0") },
                           snapshots: generations(topics: 1, partitions: 10_000)),
            RenderScenario(name: "Topics view, 10,000 topics × 1 partition", view: { TopicsView() },
                           snapshots: generations(topics: 10_000, partitions: 1)),
        ]
    }

    static func run() {
        print("Console render time per frame: ConsoleApp.render into an off-screen Screen (release build, \(frames) frames")
        print("after \(warmupFrames) warm-up frames). Terminal's diff and ncurses flush need a tty and are NOT included.")
        print("Verdict on p99; target ≤ \(Int(targetMs)) ms per frame.")
        for scenario in scenarios() {
            for size in sizes {
                let snapshotFrames = measure(scenario, size: size) { app, frame in
                    app.apply(.snapshot(scenario.snapshots[frame % scenario.snapshots.count]))
                }
                report(scenario.name, size: size, kind: "new snapshot", snapshotFrames)
                let keyFrames = measure(scenario, size: size) { app, frame in
                    // Down most of the time, a page at a time now and then, back to the top at the end.
                    app.handle(frame % 50 == 49 ? .home : frame % 10 == 9 ? .pageDown : .down)
                }
                report(scenario.name, size: size, kind: "key (scroll)", keyFrames)
            }
        }
    }

    /// Milliseconds per frame: `step` (apply a snapshot or a key) and then render.
    static func measure(_ scenario: RenderScenario, size: Size, step: (ConsoleApp, Int) -> Void) -> [Double] {
        var options = ConsoleOptions()
        options.listeners = "127.0.0.1:9092-9094"
        let app = ConsoleApp(backend: StaticBackend(current: scenario.snapshots[0]), options: options, root: scenario.view())
        app.apply(.snapshot(scenario.snapshots[0]))
        var times: [Double] = []
        times.reserveCapacity(frames)
        var cells = 0
        for frame in 0..<(warmupFrames + frames) {
            let start = DispatchTime.now().uptimeNanoseconds
            step(app, frame)
            let screen = app.render(size: size)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            cells &+= screen.size.rows  // keep the frame observable so it is not optimised away
            if frame >= warmupFrames { times.append(elapsed) }
        }
        precondition(cells > 0)
        return times
    }

    static func report(_ name: String, size: Size, kind: String, _ times: [Double]) {
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        let label = "\(name), \(size.columns)×\(size.rows), \(kind)"
        print(label.padding(toLength: 78, withPad: " ", startingAt: 0)
              + String(format: "median %6.2f ms  p99 %6.2f ms", median, p99)
              + "   target ≤ \(Int(targetMs)) ms: " + (p99 <= targetMs ? "PASS" : "MISS"))
    }
}
