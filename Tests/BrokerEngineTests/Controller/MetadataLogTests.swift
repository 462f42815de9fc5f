@testable import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import NIOCore
import Testing

@Suite("Controller metadata log and replay")
struct MetadataLogTests {
    static let topicId = KafkaUUID(mostSignificantBits: 0x1234, leastSignificantBits: 0x5678)

    static let everyRecord: [MetadataRecord] = [
        .clusterId(KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2)),
        .registerBroker(brokerId: 3, epoch: 17, rack: "rack-a"),
        .registerBroker(brokerId: 4, epoch: 18, rack: nil),
        .brokerFenced(brokerId: 3, epoch: 17),
        .brokerUnfenced(brokerId: 3, epoch: 17),
        .brokerInControlledShutdown(brokerId: 3, epoch: 17),
        .topic(name: "orders", id: topicId),
        .partition(PartitionRecord(topicId: topicId, partition: 2, replicas: [3, 4], isr: [3], leader: 3,
                                   leaderEpoch: 5, partitionEpoch: 9)),
        .partitionChange(PartitionChange(topicId: topicId, partition: 2, isr: [4], leader: 4, leaderEpoch: 6, partitionEpoch: 10)),
        .partitionChange(PartitionChange(topicId: topicId, partition: 2, isr: nil, leader: -1, leaderEpoch: 7, partitionEpoch: 11)),
        .partitionChange(PartitionChange(topicId: topicId, partition: 2, isr: [3, 4], leader: nil, leaderEpoch: 7, partitionEpoch: 12)),
        .config(resource: .topic("orders"), name: "retention.ms", value: "1000"),
        .config(resource: .topic("orders"), name: "retention.ms", value: nil),
        .config(resource: .broker(3), name: "log.cleaner.threads", value: "2"),
        .config(resource: .broker(nil), name: "unclean.leader.election.enable", value: "true"),
        .removeTopic(id: topicId),
        .producerIdsBlock(brokerId: 3, nextBlockStart: 2_000),
    ]

    @Test func everyRecordTypeRoundTripsThroughItsBytes() throws {
        for record in Self.everyRecord {
            #expect(try MetadataRecord.decode(record.encoded) == record)
        }
        // type int16, version int16, then fields, then an empty tagged-field section.
        var bytes = MetadataRecord.removeTopic(id: Self.topicId).encoded
        #expect(bytes.readInteger(as: Int16.self) == 8)
        #expect(bytes.readInteger(as: Int16.self) == 0)
        #expect(bytes.readKafkaUUID() == Self.topicId)
        #expect(bytes.readableBytesView.elementsEqual([0]))
    }

    @Test func unknownTypesVersionsAndTrailingBytesAreRefused() {
        var unknownType = ByteBuffer()
        unknownType.writeInteger(Int16(99))
        unknownType.writeInteger(Int16(0))
        unknownType.writeInteger(UInt8(0))
        #expect(throws: KafkaDecodingError.self) { try MetadataRecord.decode(unknownType) }

        var newerVersion = MetadataRecord.removeTopic(id: Self.topicId).encoded
        newerVersion.setInteger(Int16(1), at: 2)
        #expect(throws: KafkaDecodingError.self) { try MetadataRecord.decode(newerVersion) }

        var trailing = MetadataRecord.removeTopic(id: Self.topicId).encoded
        trailing.writeInteger(UInt8(7))
        #expect(throws: KafkaDecodingError.self) { try MetadataRecord.decode(trailing) }

        var truncated = MetadataRecord.topic(name: "orders", id: Self.topicId).encoded
        truncated.moveWriterIndex(to: truncated.writerIndex - 5)
        #expect(throws: KafkaDecodingError.self) { try MetadataRecord.decode(truncated) }
    }

    @Test func unknownTaggedFieldsAreSkipped() throws {
        var bytes = ByteBuffer()
        bytes.writeInteger(Int16(8))
        bytes.writeInteger(Int16(0))
        bytes.writeKafkaUUID(Self.topicId)
        var tag = ByteBuffer()
        tag.writeInteger(UInt32(7))
        bytes.writeTaggedFields(TaggedFields([5: tag]))
        #expect(try MetadataRecord.decode(bytes) == .removeTopic(id: Self.topicId))
    }

    @Test func fullRestartReplaysTheLogAndRestoresEverything() throws {
        var config = ClusterConfig()
        config.autoLeaderRebalanceEnable = false
        let h = try ControllerHarness(brokers: [0, 1, 2], config: config)
        try h.controller.registerBroker(id: 3, rack: "r2", startFenced: true)
        try h.controller.createTopic("orders", partitions: 6, replicationFactor: 3, configs: ["retention.ms": "60000"])
        try h.controller.createTopic("solo", partitions: 2, replicationFactor: 1)
        try h.controller.createTopic("doomed", partitions: 1, replicationFactor: 1)
        try h.controller.deleteTopic("doomed")
        try h.controller.createPartitions(topic: "solo", newTotal: 3)
        try h.controller.incrementalAlterConfigs(topic: "orders", [.set("cleanup.policy", "compact"), .delete("retention.ms")])
        let tp = TopicPartition("orders", 0)
        let p0 = h.image.partition(tp)!
        try h.controller.alterPartition(tp, leaderId: p0.leader, leaderEpoch: p0.leaderEpoch,
                                        partitionEpoch: p0.partitionEpoch, newIsr: [p0.leader])
        try h.controller.fenceBroker(1)
        try h.controller.controlledShutdown(2)
        _ = try h.controller.allocateProducerIds(brokerId: 0)
        let before = h.image
        #expect(!before.offlinePartitions.isEmpty, "a state worth restoring: offline partitions too")

        try h.restart()
        var after = h.image
        #expect(after.clusterId == before.clusterId)
        #expect(after.topicsById == before.topicsById)
        #expect(after.topicIdsByName == before.topicIdsByName)
        #expect(after.configs == before.configs)
        #expect(after.nextProducerId == before.nextProducerId)
        #expect(after.lastOffset == before.lastOffset)
        #expect(after.brokers.mapValues(\.state) == before.brokers.mapValues(\.state))
        #expect(after.brokers.mapValues(\.epoch) == before.brokers.mapValues(\.epoch))
        #expect(after.brokers[3]?.rack == "r2")
        // Heartbeat times are not persisted; everything else is the same image.
        for id in after.brokers.keys { after.brokers[id]!.lastHeartbeatMs = before.brokers[id]!.lastHeartbeatMs }
        #expect(after == before)
        #expect(h.image.topic(named: "doomed") == nil)
    }

    @Test func restartGivesLiveBrokersAFreshSessionThenFencesSilentOnes() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("orders", partitions: 3, replicationFactor: 3)
        h.scheduler.advance(byMs: 5_000)  // longer ago than the new session will count
        try h.restart()
        #expect(h.image.activeBrokerIds == [0, 1, 2])
        h.scheduler.advance(byMs: 8_000)
        try h.controller.heartbeat(brokerId: 0)
        h.scheduler.advance(byMs: 1_000)
        #expect(h.image.activeBrokerIds == [0])
        #expect(h.image.partitionsLed(by: 0).count == 3)
    }

    @Test func tornLastBatchIsDroppedAndTheImageIsConsistent() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("kept", partitions: 2, replicationFactor: 2)
        let kept = h.image
        let sizeBefore = try Self.fileSize(h.metadataSegmentPath)
        try h.controller.createTopic("torn", partitions: 3, replicationFactor: 3)
        let sizeAfter = try Self.fileSize(h.metadataSegmentPath)
        #expect(sizeAfter > sizeBefore)

        try h.restart { _ in
            // A crash in the middle of writing the last batch: half of it reached the disk.
            let handle = try #require(FileHandle(forUpdatingAtPath: h.metadataSegmentPath))
            try handle.truncate(atOffset: UInt64(sizeBefore + (sizeAfter - sizeBefore) / 2))
            try handle.close()
        }
        #expect(h.image.topic(named: "torn") == nil)
        #expect(h.image.topicsById == kept.topicsById)
        #expect(h.image.lastOffset == kept.lastOffset)
        #expect(try Self.fileSize(h.metadataSegmentPath) == sizeBefore, "LogStore truncated the torn tail")
        // The controller carries on from the recovered log.
        try h.controller.createTopic("torn", partitions: 3, replicationFactor: 3)
        try h.restart()
        #expect(h.image.topic(named: "torn")?.partitionCount == 3)
    }

    @Test func corruptBytesInTheLastBatchAreDroppedByTheCrcCheck() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("kept", partitions: 1, replicationFactor: 1)
        let sizeBefore = try Self.fileSize(h.metadataSegmentPath)
        try h.controller.createTopic("flipped", partitions: 1, replicationFactor: 1)
        try h.restart { _ in
            let handle = try #require(FileHandle(forUpdatingAtPath: h.metadataSegmentPath))
            try handle.seek(toOffset: UInt64(sizeBefore + 70))
            handle.write(Data([0xFF, 0xFF, 0xFF]))
            try handle.close()
        }
        #expect(h.image.topic(named: "kept") != nil)
        #expect(h.image.topic(named: "flipped") == nil)
    }

    @Test func metadataLogIsOrdinaryRecordBatchesOfMetadataRecords() throws {
        let h = try ControllerHarness(brokers: [0])
        try h.controller.createTopic("orders", partitions: 1, replicationFactor: 1)
        var bytes = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: h.metadataSegmentPath)))
        var records: [MetadataRecord] = []
        var batches = 0
        while bytes.readableBytes > 0 {
            let batch = try RecordBatch.decode(from: &bytes)
            batches += 1
            #expect(batch.header.partitionLeaderEpoch == 0)
            for record in batch.records { records.append(try MetadataRecord.decode(record.value!)) }
        }
        #expect(batches == 4, "cluster id; broker registration; its unfence; the topic")
        guard case .clusterId = records.first else { Issue.record("first record is \(String(describing: records.first))"); return }
        #expect(records.contains(.topic(name: "orders", id: h.image.topic(named: "orders")!.id)))
    }

    @Test func aTopicWithManyPartitionsIsOneCommitAndReplays() throws {
        let h = try ControllerHarness()
        try h.controller.createTopic("wide", partitions: 30_000, replicationFactor: 3)
        #expect(h.image.topic(named: "wide")?.partitionCount == 30_000)
        try h.restart()
        #expect(h.image.topic(named: "wide")?.partitionCount == 30_000)
        #expect(h.image.partitionsLed(by: 1).count == 10_000)
    }

    static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
