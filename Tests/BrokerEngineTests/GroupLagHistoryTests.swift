import BrokerEngine
import Testing

@Suite("Group lag history")
struct GroupLagHistoryTests {
    @Test func keepsTheLastSamplesOfEachGroup() {
        let history = GroupLagHistory(historyLength: 3)
        for total: Int64 in 1...5 { history.record(["g": total, "h": total * 10]) }
        #expect(history.history("g") == [3, 4, 5])
        #expect(history.history("h") == [30, 40, 50])
        #expect(history.history("unknown") == [])
    }

    @Test func aGroupThatIsGoneLosesItsHistory() {
        let history = GroupLagHistory()
        history.record(["g": 1, "h": 2])
        history.record(["h": 3])
        #expect(history.history("g") == [])
        history.record(["g": 4, "h": 5])
        #expect(history.history("g") == [4], "a group that comes back starts afresh")
        #expect(history.history("h") == [2, 3, 5])
    }
}
