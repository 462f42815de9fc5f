@testable import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import NIOCore
import Testing

/// A temporary broker log directory holding `__consumer_offsets`, reopened at will.
final class OffsetsTopicFixture {
    let path = NSTemporaryDirectory() + "wharf-offsets-\(UUID().uuidString)"
    let clock = ManualClock()

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Opens the directory as a broker start-up does (recovering it if not closed cleanly).
    func openDirectory() throws -> LogDirectory {
        try LogDirectory(path: path, clock: clock, logger: GroupHarness.quietLogger)
    }

    func store(_ directory: LogDirectory, partitionCount: Int32 = 50,
               compression: CompressionCodec = .none) -> OffsetsTopicStore {
        OffsetsTopicStore(logDirectory: directory, partitionCount: partitionCount, compression: compression,
                          clock: clock)
    }

    /// Every batch of one partition, decoded.
    func batches(_ directory: LogDirectory, partition: Int32) throws -> [RecordBatch] {
        guard let log = directory.partition(TopicPartition(OffsetsTopicStore.topicName, partition)) else { return [] }
        var batches: [RecordBatch] = []
        var offset = log.logStartOffset
        while offset < log.logEndOffset {
            let read = try log.read(from: offset, maxBytes: 1 << 20)
            for raw in RecordBatchSequence(read.records) {
                batches.append(try raw.decode())
                offset = raw.header.nextOffset
            }
        }
        return batches
    }
}

/// A coordinator over an `OffsetsTopicStore` on real files.
struct OffsetsTopicHarness: GroupDriving {
    let scheduler: ManualScheduler
    let directory: LogDirectory
    let store: OffsetsTopicStore
    let coordinator: GroupCoordinator

    init(_ fixture: OffsetsTopicFixture, scheduler: ManualScheduler = ManualScheduler()) throws {
        self.scheduler = scheduler
        directory = try fixture.openDirectory()
        store = fixture.store(directory)
        coordinator = try GroupCoordinator(scheduler: scheduler, store: store, logger: GroupHarness.quietLogger)
    }
}

@Suite("__consumer_offsets store")
struct OffsetsTopicStoreTests {
    let orders0 = TopicPartition("orders", 0)
    let orders1 = TopicPartition("orders", 1)

    // MARK: Partitioning

    @Test func javaStringHashCodeMatchesJava() {
        // Values of java.lang.String#hashCode (the first and last are well known).
        let known: [(String, Int32)] = [
            ("", 0), ("a", 97), ("abc", 96_354), ("hello", 99_162_322), ("group-1", 293_427_299),
            ("my-group", -1_906_497_762), ("ü", 252),
            ("😀", 0xD83D * 31 + 0xDE00),  // a surrogate pair: two UTF-16 code units
            ("grüppe-😀", -1_039_948_164), ("polygenelubricants", Int32.min),
        ]
        for (string, hash) in known {
            #expect(OffsetsTopicPartitioner.javaStringHashCode(string) == hash, "\(string)")
        }
    }

    @Test func groupPartitionIsKafkaAbsOfHashCodeModuloCount() {
        #expect(OffsetsTopicPartitioner.partition(for: "", partitionCount: 50) == 0)
        #expect(OffsetsTopicPartitioner.partition(for: "a", partitionCount: 50) == 47)
        #expect(OffsetsTopicPartitioner.partition(for: "group-1", partitionCount: 50) == 49)
        #expect(OffsetsTopicPartitioner.partition(for: "my-group", partitionCount: 50) == 36)
        #expect(OffsetsTopicPartitioner.partition(for: "grüppe-😀", partitionCount: 50) == 34)
        // Utils.abs(Integer.MIN_VALUE) is 0, where Math.abs would stay negative.
        #expect(OffsetsTopicPartitioner.kafkaAbs(Int32.min) == 0)
        #expect(OffsetsTopicPartitioner.partition(for: "polygenelubricants", partitionCount: 50) == 0)
        #expect(OffsetsTopicPartitioner.partition(for: "group-1", partitionCount: 7) == 293_427_299 % 7)
    }

    // MARK: What is written

    @Test func eachCallIsOneBatchInTheGroupsPartitionWithKafkasRecords() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory)
        let now = fixture.clock.milliseconds()
        try store.storeOffsets(groupId: "group-1", offsets: [
            orders1: CommittedOffset(offset: 7, leaderEpoch: nil, metadata: "", commitTimestampMs: now),
            orders0: CommittedOffset(offset: 42, leaderEpoch: 5, metadata: "meta", commitTimestampMs: now),
        ])
        #expect(store.partition(for: "group-1") == 49)
        for partition in Int32(0)..<50 {
            let log = try #require(directory.partition(TopicPartition("__consumer_offsets", partition)))
            #expect(log.logEndOffset == (partition == 49 ? 2 : 0))
            #expect(log.config.cleanupPolicy == [.compact])
        }
        let batches = try fixture.batches(directory, partition: 49)
        #expect(batches.count == 1)
        let batch = try #require(batches.first)
        #expect(batch.compression == .none)
        #expect(batch.header.producerId == -1)
        #expect(batch.records.map { batch.timestamp(of: $0) } == [now, now])
        let first = try #require(batch.records.first)
        #expect(first.key?.array == OffsetsTopicKey.offsetCommit(group: "group-1", topic: "orders", partition: 0).encoded().array)
        #expect(first.value?.array == SchemaBytes.build { b in
            b.int16(3); b.int64(42); b.int32(5); b.string("meta"); b.int64(now)
        })
        #expect(try OffsetCommitValue.decode(try #require(batch.records.last?.value)).leaderEpoch == -1)
    }

    @Test func removeGroupTombstonesItsOffsetsThenItsMetadata() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 3)
        let committed = CommittedOffset(offset: 1, leaderEpoch: nil, metadata: "", commitTimestampMs: 0)
        try store.storeOffsets(groupId: "g", offsets: [orders0: committed, orders1: committed])
        try store.removeGroup(groupId: "g")
        let partition = store.partition(for: "g")
        let last = try #require(try fixture.batches(directory, partition: partition).last)
        #expect(last.records.map { try? OffsetsTopicKey.decode($0.key!) } == [
            .offsetCommit(group: "g", topic: "orders", partition: 0),
            .offsetCommit(group: "g", topic: "orders", partition: 1),
            .groupMetadata(group: "g"),
        ])
        #expect(last.records.allSatisfy { $0.value == nil })
    }

    @Test(arguments: [CompressionCodec.gzip, .lz4, .zstd, .snappy])
    func compressedBatchesReplay(codec: CompressionCodec) throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 4, compression: codec)
        let committed = CommittedOffset(offset: 9, leaderEpoch: 1, metadata: "m", commitTimestampMs: 5)
        try store.storeOffsets(groupId: "g", offsets: [orders0: committed])
        #expect(try fixture.batches(directory, partition: store.partition(for: "g")).first?.compression == codec)
        let reloaded = try fixture.store(directory, partitionCount: 4).load()
        #expect(reloaded.offsets == ["g": [orders0: committed]])
    }

    // MARK: Replay

    @Test func replayKeepsTheLastRecordPerKeyAndTombstonesDelete() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 5)
        func committed(_ offset: Int64) -> CommittedOffset {
            CommittedOffset(offset: offset, leaderEpoch: nil, metadata: "", commitTimestampMs: offset)
        }
        func group(_ id: String, generation: Int32, members: [String]) -> GroupSnapshot {
            GroupSnapshot(groupId: id, protocolType: "consumer", generationId: generation, protocolName: "range",
                          leaderId: members.first, currentStateTimestampMs: 100, members: members.map {
                              MemberSnapshot(memberId: $0, groupInstanceId: nil, clientId: "c", clientHost: "h",
                                             rebalanceTimeoutMs: 3, sessionTimeoutMs: 2, subscription: [1], assignment: [2])
                          })
        }
        try store.storeOffsets(groupId: "a", offsets: [orders0: committed(1), orders1: committed(2)])
        try store.storeOffsets(groupId: "a", offsets: [orders0: committed(3)])
        try store.removeOffsets(groupId: "a", partitions: [orders1])
        try store.storeGroup(group("a", generation: 1, members: ["m1", "m2"]))
        try store.storeGroup(group("a", generation: 2, members: ["m2"]))
        try store.storeOffsets(groupId: "b", offsets: [orders0: committed(4)])
        try store.storeGroup(group("b", generation: 1, members: ["x"]))
        try store.removeGroup(groupId: "b")
        try store.storeOffsets(groupId: "b", offsets: [orders1: committed(5)])  // a simple group again
        try store.storeGroup(group("c", generation: 4, members: []))           // emptied

        let expected = StoredGroupState(
            groups: [group("a", generation: 2, members: ["m2"]), group("c", generation: 4, members: [])],
            offsets: ["a": [orders0: committed(3)], "b": [orders1: committed(5)]])
        #expect(try store.load() == expected)
        // A second store over the same files (no close: as after a crash) sees the same.
        let reopened = try fixture.openDirectory()
        #expect(try fixture.store(reopened, partitionCount: 5).load() == expected)
    }

    @Test func recordsOfUnknownTypesAreSkipped() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let store = fixture.store(directory, partitionCount: 1)
        let log = try directory.createPartition(TopicPartition("__consumer_offsets", 0))
        // A KIP-848 ConsumerGroupMetadataKey (version 3) with some value: not ours.
        let foreign = RecordBatch.Entry(key: ByteBuffer(bytes: [0, 3, 0, 1, 0x67]),
                                        value: ByteBuffer(bytes: [0, 0, 0, 0, 0, 1]), timestamp: 1)
        _ = try log.append(try RecordBatch(records: [foreign]).encoded(), leaderEpoch: 0)
        try store.storeOffsets(groupId: "g", offsets: [
            orders0: CommittedOffset(offset: 1, leaderEpoch: nil, metadata: "", commitTimestampMs: 1),
        ])
        #expect(try store.load().offsets["g"]?[orders0]?.offset == 1)
    }

    @Test func aWriteBeforeLoadStillKnowsTheGroupsOffsets() throws {
        let fixture = OffsetsTopicFixture()
        let directory = try fixture.openDirectory()
        let committed = CommittedOffset(offset: 1, leaderEpoch: nil, metadata: "", commitTimestampMs: 1)
        try fixture.store(directory, partitionCount: 2).storeOffsets(groupId: "g", offsets: [orders0: committed])
        // A fresh store that was never loaded: removeGroup must still tombstone orders-0.
        try fixture.store(directory, partitionCount: 2).removeGroup(groupId: "g")
        #expect(try fixture.store(directory, partitionCount: 2).load() == StoredGroupState())
    }

    // MARK: A coordinator across restarts

    @Test func coordinatorStateSurvivesCleanAndUncleanRestarts() throws {
        let fixture = OffsetsTopicFixture()
        let h = try OffsetsTopicHarness(fixture)
        _ = h.coordinator.commitOffsets(groupId: "simple", offsets: [
            orders0: OffsetCommit(offset: 11, metadata: "x"), orders1: OffsetCommit(offset: 12),
        ])
        #expect(h.coordinator.deleteOffsets(groupId: "simple", partitions: [orders1]).failure == nil)
        let (a, b) = try #require(h.stableGroupOfTwo())
        _ = h.coordinator.commitOffsets(groupId: "g", generationId: 1, memberId: a,
                                        offsets: [orders1: OffsetCommit(offset: 9, leaderEpoch: 3)])
        _ = h.join("emptied", clientId: "e", requireKnownMemberId: false)
        h.scheduler.advance(byMs: 100)
        let e = try #require(h.coordinator.describeGroups(["emptied"]).first?.members.first?.memberId)
        h.sync("emptied", generation: 1, memberId: e, assignments: [e: [1]])
        #expect(h.coordinator.commitOffsets(groupId: "emptied", generationId: 1, memberId: e,
                                            offsets: [orders0: OffsetCommit(offset: 5)]).failure == nil)
        _ = h.coordinator.leaveGroup(groupId: "emptied", members: [LeavingMember(memberId: e)])
        _ = h.coordinator.commitOffsets(groupId: "doomed", offsets: [orders0: OffsetCommit(offset: 1)])
        #expect(h.coordinator.deleteGroups(["doomed"]).first?.error == nil)
        h.coordinator.shutdown()
        try h.directory.close()

        // Clean restart.
        let clean = try OffsetsTopicHarness(fixture, scheduler: h.scheduler)
        #expect(clean.directory.hadCleanShutdown)
        try expectRestored(clean, b: b)
        #expect(clean.sync(generation: 1, memberId: b).value?.success?.assignment == [2])
        #expect(clean.coordinator.heartbeat(groupId: "g", memberId: a, generationId: 1).failure == nil)
        let described = try #require(clean.coordinator.describeGroups(["g"]).first)
        #expect(described.protocolName == "range")
        #expect(Set(described.members.map(\.memberId)) == [a, b])
        _ = clean.coordinator.commitOffsets(groupId: "simple", offsets: [orders0: OffsetCommit(offset: 100)])
        clean.coordinator.shutdown()

        // Unclean restart: the logs were never closed, so they are recovered from their files.
        let unclean = try OffsetsTopicHarness(fixture, scheduler: h.scheduler)
        #expect(!unclean.directory.hadCleanShutdown)
        #expect(unclean.coordinator.fetchOffsets(groupId: "simple").map(\.offset) == [100])
        #expect(unclean.coordinator.listGroups().map(\.groupId) == ["emptied", "g", "simple"])
        #expect(unclean.coordinator.fetchOffsets(groupId: "g").first?.leaderEpoch == 3)
        unclean.coordinator.shutdown()
        try unclean.directory.close()
        try clean.directory.close()
    }

    private func expectRestored(_ h: OffsetsTopicHarness, b: String) throws {
        #expect(h.coordinator.listGroups() == [
            ListedGroup(groupId: "emptied", protocolType: "consumer", state: .empty),
            ListedGroup(groupId: "g", protocolType: "consumer", state: .stable),
            ListedGroup(groupId: "simple", protocolType: "", state: .empty),
        ])
        let simple = h.coordinator.fetchOffsets(groupId: "simple")
        #expect(simple.map(\.topicPartition) == [orders0], "the deleted offset stays deleted")
        #expect(simple.first?.offset == 11)
        #expect(simple.first?.metadata == "x")
        #expect(h.coordinator.fetchOffsets(groupId: "g").map(\.offset) == [9])
        #expect(h.coordinator.fetchOffsets(groupId: "emptied").map(\.offset) == [5])
        #expect(h.coordinator.describeGroups(["doomed"]).first?.error == .groupIdNotFound)
        #expect(h.coordinator.fetchOffsets(groupId: "doomed").isEmpty)
    }
}
