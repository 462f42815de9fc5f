import Console
import Foundation

/// The Messages view's own frame cost, with nothing else running: a full 5,000-record ring
/// whose records are all replaced before every frame (what a tail at ≥ 50,000 rec/s does
/// between two frames at 10/s), then `tick()` + `render` at 120×40. Set beside the frames
/// drawn while tailing, it tells the view's cost from the share of two cores it gets while
/// a producer and the tail are busy.
///
/// The view's session is stopped and its ring written here directly; records are made
/// between frames, outside the time measured.
enum MessagesFrameBench {
    static let frames = 100

    static func measure() -> (median: Double, p99: Double) {
        let topic = "topic-0"
        let snapshot = SyntheticCluster.snapshot(topics: 1, partitionsPerTopic: Int(TailBench.partitions),
                                                 takenAtMs: Int64(Date().timeIntervalSince1970 * 1000))
        let view = MessagesView(topic: topic)
        let app = ConsoleApp(backend: StaticBackend(current: snapshot), root: view)
        app.apply(.snapshot(snapshot))
        view.session.stop()
        TailedRun.waitForNoRuns(view.session)
        let ring = view.session.ring
        ring.setMode(.following)
        var generator = SplitMix64(seed: 42)
        var offset: Int64 = 0
        var times: [Double] = []
        for _ in 0..<(frames + 10) {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let records = (0..<ring.capacity).map { index -> ConsumedRecord in
                let length = BenchProducer.valueBytes.lowerBound + Int(generator.next() % UInt64(BenchProducer.valueBytes.count))
                let value = "{\"id\":\(offset + Int64(index)),\"event\":\"page_view\",\"payload\":\""
                    + String(repeating: "a", count: max(0, length - 48)) + "\"}"
                return ConsumedRecord(partition: Int32(index % Int(TailBench.partitions)), offset: offset + Int64(index),
                                      timestamp: now, key: Array("user-\(generator.next() % 10_000)".utf8), value: Array(value.utf8))
            }
            offset += Int64(records.count)
            ring.append(records, run: ring.currentRun, nowMs: now)
            let start = monotonicSeconds()
            app.tick()
            let screen = app.render(size: TailBench.frameSize)
            times.append((monotonicSeconds() - start) * 1000)
            precondition(screen.size == TailBench.frameSize)
        }
        let sorted = times.dropFirst(10).sorted()
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)])
    }
}
