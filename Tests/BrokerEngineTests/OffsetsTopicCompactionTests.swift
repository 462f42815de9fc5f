@testable import BrokerEngine
import KafkaProtocol
import LogStore
import NIOCore
import Testing

@Suite("__consumer_offsets compaction")
struct OffsetsTopicCompactionTests {
    let orders0 = TopicPartition("orders", 0)
    let orders1 = TopicPartition("orders", 1)

    func committed(_ offset: Int64) -> CommittedOffset {
        CommittedOffset(offset: offset, leaderEpoch: 2, metadata: "m\(offset)", commitTimestampMs: 1_000 + offset)
    }

    /// Many commits of the same keys, a deleted group and a stored group, spread over three
    /// partitions; returns the state they leave.
    func writeHistory(_ store: OffsetsTopicStore) throws -> StoredGroupState {
        for i in Int64(0)..<100 {
            try store.storeOffsets(groupId: "busy", offsets: [orders0: committed(i), orders1: committed(i + 1)])
            try store.storeOffsets(groupId: "other-\(i % 3)", offsets: [orders0: committed(i)])
        }
        try store.storeOffsets(groupId: "gone", offsets: [orders0: committed(1)])
        try store.removeGroup(groupId: "gone")
        try store.storeGroup(GroupSnapshot(
            groupId: "busy", protocolType: "consumer", generationId: 4, protocolName: "range", leaderId: "m",
            currentStateTimestampMs: 9, members: [
                MemberSnapshot(memberId: "m", groupInstanceId: "i", clientId: "c", clientHost: "h",
                               rebalanceTimeoutMs: 2, sessionTimeoutMs: 1, subscription: [1], assignment: [2]),
            ]))
        try store.removeOffsets(groupId: "other-1", partitions: [orders0])
        return try store.load()
    }

    func heldRecords(_ directory: LogDirectory) -> Int64 {
        directory.topicPartitions.filter { $0.topic == OffsetsTopicStore.topicName }.reduce(0) { sum, tp in
            let log = directory.partition(tp)!
            return sum + log.logEndOffset - log.logStartOffset
        }
    }

    @Test func compactionKeepsOneRecordPerLiveKeyAndTheSameState() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 3)
        let before = try writeHistory(store)
        let liveKeys = before.groups.count + before.offsets.values.reduce(0) { $0 + $1.count }
        let held = heldRecords(directory)

        let dropped = try store.compact()
        #expect(dropped == Int(held) - liveKeys)
        #expect(heldRecords(directory) == Int64(liveKeys))
        #expect(try store.load() == before)
        #expect(try store.compact() == 0, "a compacted log has nothing more to drop")
        for partition in Int32(0)..<3 {
            let log = try #require(directory.partition(TopicPartition(OffsetsTopicStore.topicName, partition)))
            #expect(log.segmentCount == 1, "the segments before the copy are deleted")
        }

        // Writes after compaction replay on top of the copy, across a clean restart...
        try store.storeOffsets(groupId: "busy", offsets: [orders0: committed(500)])
        var after = before
        after.offsets["busy"]?[orders0] = committed(500)
        try directory.close()
        let reopened = try fixture.openDirectory()
        #expect(try fixture.store(reopened, partitionCount: 3).load() == after)
        // ...and an unclean one.
        let again = try fixture.openDirectory()
        #expect(!again.hadCleanShutdown)
        #expect(try fixture.store(again, partitionCount: 3).load() == after)
        try again.close()
        try reopened.close()
    }

    @Test func aCopyInterruptedBeforeTheOldRecordsAreDroppedReplaysTheSame() throws {
        // Simulates a crash between steps 2 and 3: the live records are appended again after
        // the old ones, but the log start offset never moved.
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 1)
        let before = try writeHistory(store)
        let log = try #require(directory.partition(TopicPartition(OffsetsTopicStore.topicName, 0)))
        let state = OffsetsTopicState()
        try OffsetsTopicStore.replay(log, into: state)
        let half = state.offsets["busy"]!.sorted { $0.key < $1.key }.prefix(1).map { tp, committed in
            RecordBatch.Entry(key: OffsetsTopicKey.offsetCommit(group: "busy", topic: tp.topic, partition: tp.partition).encoded(),
                              value: OffsetCommitValue(committed).encoded(), timestamp: 0)
        }
        _ = try log.append(try RecordBatch(records: half).encoded(), leaderEpoch: 0)
        #expect(try fixture.store(directory, partitionCount: 1).load() == before)
    }
}
