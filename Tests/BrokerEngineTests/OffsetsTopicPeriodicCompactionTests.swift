import BrokerEngine
import LogStore
import NIOConcurrencyHelpers
import Testing

/// `compactIfChanged(partition:)`, the form the cluster's retention timer runs: it skips
/// partitions nobody wrote and ones not yet half obsolete, and on a replicated partition it
/// drops the old records only once the copy is below the high watermark in the same epoch.
@Suite("__consumer_offsets periodic compaction")
struct OffsetsTopicPeriodicCompactionTests {
    let orders0 = TopicPartition("orders", 0)
    let partition0 = TopicPartition(OffsetsTopicStore.topicName, 0)

    /// A one-partition store whose replication state the test sets.
    final class Replicated {
        let fixture = OffsetsTopicFixture()
        let directory: LogDirectory
        let position = NIOLockedValueBox<OffsetsTopicStore.Replication?>(.init(leaderEpoch: 0, highWatermark: 0))
        let store: OffsetsTopicStore

        init() throws {
            let directory = try fixture.openDirectory()
            self.directory = directory
            let position = self.position
            store = OffsetsTopicStore(partitionCount: 1, clock: fixture.clock,
                                      replication: { _ in position.withLockedValue { $0 } }) { index in
                let tp = TopicPartition(OffsetsTopicStore.topicName, index)
                return try directory.partition(tp) ?? directory.createPartition(tp, config: OffsetsTopicStore.logConfig)
            }
        }

        var log: PartitionLog { directory.partition(TopicPartition(OffsetsTopicStore.topicName, 0))! }

        /// Everything appended is replicated, in `epoch`.
        func replicateAll(epoch: Int32 = 0) {
            position.withLockedValue { $0 = .init(leaderEpoch: epoch, highWatermark: log.logEndOffset) }
        }
    }

    func commit(_ store: OffsetsTopicStore, _ offsets: ClosedRange<Int64>) throws {
        for offset in offsets {
            try store.storeOffsets(groupId: "g", offsets: [
                orders0: CommittedOffset(offset: offset, leaderEpoch: nil, metadata: "", commitTimestampMs: offset),
            ])
        }
    }

    @Test func theOldRecordsStayUntilTheCopyIsReplicated() throws {
        let replicated = try Replicated()
        let store = replicated.store
        _ = try store.load()
        try commit(store, 1...10)
        #expect(try store.compactIfChanged(partition: 0) == 0, "copied, not yet replicated")
        #expect(replicated.log.logStartOffset == 0)
        #expect(replicated.log.logEndOffset == 11, "the live record was copied once")
        #expect(try store.compactIfChanged(partition: 0) == 0)
        #expect(replicated.log.logEndOffset == 11, "a pending copy is not copied again")

        replicated.replicateAll()
        #expect(try store.compactIfChanged(partition: 0) == 9)
        #expect(replicated.log.logStartOffset == 10)
        #expect(try store.load().offsets["g"]?[orders0]?.offset == 10)
    }

    @Test func aNewLeaderEpochAbandonsThePendingCopy() throws {
        let replicated = try Replicated()
        let store = replicated.store
        _ = try store.load()
        try commit(store, 1...10)
        #expect(try store.compactIfChanged(partition: 0) == 0)
        // The leader changed: the copy's offsets may hold other records on the new leader.
        replicated.replicateAll(epoch: 1)
        #expect(try store.compactIfChanged(partition: 0) == 0)
        #expect(replicated.log.logStartOffset == 0)
        // Looked at afresh: copied again in the new epoch, then dropped once replicated.
        #expect(try store.compactIfChanged(partition: 0) == 0)
        #expect(replicated.log.logEndOffset == 12)
        replicated.replicateAll(epoch: 1)
        #expect(try store.compactIfChanged(partition: 0) == 10, "the first copy is obsolete too")
        #expect(replicated.log.logEndOffset - replicated.log.logStartOffset == 1)
        #expect(try store.load().offsets["g"]?[orders0]?.offset == 10)
    }

    @Test func unchangedOrMostlyLivePartitionsAreLeftAlone() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 1)
        _ = try store.load()
        // Three live keys and two obsolete records: less than half obsolete.
        for (offset, partition) in [(1, 0), (1, 1), (1, 2), (2, 0), (3, 0)] as [(Int64, Int32)] {
            try store.storeOffsets(groupId: "g", offsets: [
                TopicPartition("orders", partition): CommittedOffset(offset: offset, leaderEpoch: nil, metadata: "",
                                                                    commitTimestampMs: 0),
            ])
        }
        let log = try #require(directory.partition(partition0))
        #expect(try store.compactIfChanged(partition: 0) == 0)
        #expect(log.logEndOffset == 5, "not copied")
        try store.storeOffsets(groupId: "g", offsets: [
            TopicPartition("orders", 0): CommittedOffset(offset: 4, leaderEpoch: nil, metadata: "", commitTimestampMs: 0),
        ])
        #expect(try store.compactIfChanged(partition: 0) == 3, "three obsolete of six: compacted")
        #expect(log.logEndOffset - log.logStartOffset == 3)
        let end = log.logEndOffset
        #expect(try store.compactIfChanged(partition: 0) == 0)
        #expect(log.logEndOffset == end, "nothing written since: not even looked at")
    }
}
