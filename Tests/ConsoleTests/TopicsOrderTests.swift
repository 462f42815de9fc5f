@testable import BrokerEngine
@testable import Console
import Testing

/// The topics view keeps its sorted order while snapshots bring the same topic names (so a
/// 10,000-topic cluster is not re-sorted 4 times a second), and sorts again when they change.
@Suite struct TopicsOrderTests {
    func snapshot(_ names: [String]) -> ClusterSnapshot {
        var snapshot = Fixtures.snapshot()
        let template = snapshot.topics[0]
        snapshot.topics = names.map { name in
            var topic = template
            topic.name = name
            return topic
        }
        return snapshot
    }

    @Test func userTopicsByNameThenInternalOnes() {
        let view = TopicsView()
        let sorted = view.sortedTopics(snapshot(["zeta", "__consumer_offsets", "alpha", "mid"])).map(\.name)
        #expect(sorted == ["alpha", "mid", "zeta", "__consumer_offsets"])
    }

    @Test func sameNamesKeepTheOrderAndTakeTheNewValues() {
        let view = TopicsView()
        _ = view.sortedTopics(snapshot(["b", "a"]))
        var next = snapshot(["b", "a"])
        next.topics[1].partitions = []
        let sorted = view.sortedTopics(next)
        #expect(sorted.map(\.name) == ["a", "b"])
        #expect(sorted[0].partitions.isEmpty, "values come from the new snapshot, not the cached one")
    }

    @Test func newNamesOrHidingInternalTopicsSortAgain() {
        let view = TopicsView()
        _ = view.sortedTopics(snapshot(["b", "a", "__x"]))
        #expect(view.sortedTopics(snapshot(["b", "c", "a", "__x"])).map(\.name) == ["a", "b", "c", "__x"])
        #expect(view.sortedTopics(snapshot(["a", "b"])).map(\.name) == ["a", "b"])
        view.showsInternal = false
        #expect(view.sortedTopics(snapshot(["a", "__x", "b"])).map(\.name) == ["a", "b"])
        view.showsInternal = true
        #expect(view.sortedTopics(snapshot(["a", "__x", "b"])).map(\.name) == ["a", "b", "__x"])
    }
}
