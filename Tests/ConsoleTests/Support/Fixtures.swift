@testable import BrokerEngine
@testable import Console
import Foundation
@testable import LogStore

/// A constructed cluster for screen tests: three brokers (3 stopped), `orders` (3
/// partitions, partition 1 under-replicated without broker 3), `payments` (1 partition,
/// offline), `__consumer_offsets`; groups `billing` (Stable, two members, lag 150) and
/// `audit` (Empty, no lag).
enum Fixtures {
    static let nowMs: Int64 = 1_700_000_000_000

    static func rates(inRecords: Double = 0, inBytes: Double = 0, outRecords: Double = 0, outBytes: Double = 0) -> TrafficMeter.Rates {
        var rates = TrafficMeter.Rates()
        rates.recordsInPerSecond = inRecords
        rates.bytesInPerSecond = inBytes
        rates.recordsOutPerSecond = outRecords
        rates.bytesOutPerSecond = outBytes
        return rates
    }

    static func partition(_ index: Int32, leader: Int32, replicas: [Int32], isr: [Int32], start: Int64 = 0, hw: Int64,
                          leo: Int64? = nil, size: Int = 0, segments: Int = 1, epoch: Int32 = 0) -> PartitionSnapshot {
        PartitionSnapshot(partition: index, leader: leader, leaderEpoch: epoch, replicas: replicas, isr: isr, logStartOffset: start,
                          highWatermark: hw, logEndOffset: leo ?? hw, sizeBytes: size, segmentCount: segments)
    }

    static func snapshot() -> ClusterSnapshot {
        let orders = TopicSnapshot(
            name: "orders", id: "id-orders",
            partitions: [
                partition(0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], hw: 1200, size: 120_000, segments: 2, epoch: 3),
                partition(1, leader: 2, replicas: [2, 3, 1], isr: [2, 1], start: 100, hw: 1100, leo: 1105, size: 110_000),
                partition(2, leader: 1, replicas: [3, 1, 2], isr: [1, 2], hw: 900, size: 90_000),
            ],
            configOverrides: ["retention.ms": "3600000"],
            rates: rates(inRecords: 250, inBytes: 25_000, outRecords: 240, outBytes: 24_000),
            rateHistory: [0, 50, 100, 150, 200, 250].map { rates(inRecords: $0) })
        let payments = TopicSnapshot(
            name: "payments", id: "id-payments",
            partitions: [partition(0, leader: -1, replicas: [3], isr: [3], hw: 0, size: 0)],
            configOverrides: [:], rates: rates(), rateHistory: [])
        let offsets = TopicSnapshot(
            name: "__consumer_offsets", id: "id-offsets",
            partitions: (0..<3).map { partition($0, leader: 1, replicas: [1, 2], isr: [1, 2], hw: 10, size: 1000) },
            configOverrides: ["cleanup.policy": "compact"], rates: rates(inRecords: 5), rateHistory: [])
        let billingLag = GroupLag(groupId: "billing", partitions: [
            PartitionLag(topicPartition: TopicPartition("orders", 0), committedOffset: 1150, highWatermark: 1200, lag: 50),
            PartitionLag(topicPartition: TopicPartition("orders", 1), committedOffset: 1000, highWatermark: 1100, lag: 100),
            PartitionLag(topicPartition: TopicPartition("orders", 2), committedOffset: 900, highWatermark: 900, lag: 0),
        ], totalByTopic: ["orders": 150], total: 150)
        let billing = ConsumerGroupSnapshot(
            groupId: "billing", state: .stable, protocolType: "consumer", protocolName: "range", generationId: 4,
            members: [
                .init(memberId: "m-1", groupInstanceId: nil, clientId: "billing-1", clientHost: "/10.0.0.1", isLeader: true,
                      assignedPartitions: [TopicPartition("orders", 0), TopicPartition("orders", 1)]),
                .init(memberId: "m-2", groupInstanceId: nil, clientId: "billing-2", clientHost: "/10.0.0.2", isLeader: false,
                      assignedPartitions: [TopicPartition("orders", 2)]),
            ],
            committedOffsets: [:], lag: billingLag, lagHistory: [0, 40, 80, 150])
        let audit = ConsumerGroupSnapshot(
            groupId: "audit", state: .empty, protocolType: "", protocolName: "", generationId: 0, members: [],
            committedOffsets: [:], lag: GroupLag(groupId: "audit", partitions: [], totalByTopic: [:], total: 0), lagHistory: [])
        return ClusterSnapshot(
            takenAtMs: nowMs, clusterId: "cluster-1",
            brokers: [
                BrokerSnapshot(id: 1, state: .up, leaderCount: 5, replicaCount: 8, bytesOnDisk: 2_500_000,
                               rates: rates(inRecords: 150, inBytes: 15_000, outRecords: 100, outBytes: 10_000)),
                BrokerSnapshot(id: 2, state: .up, leaderCount: 1, replicaCount: 6, bytesOnDisk: 1_200_000,
                               rates: rates(inRecords: 100, inBytes: 10_000, outRecords: 140, outBytes: 14_000)),
                BrokerSnapshot(id: 3, state: .stopped, leaderCount: 0, replicaCount: 4, bytesOnDisk: 0, rates: rates()),
            ],
            topics: [orders, payments, offsets], groups: [billing, audit],
            rates: rates(inRecords: 255, inBytes: 25_500, outRecords: 240, outBytes: 24_000),
            rateHistory: [10, 20, 255].map { rates(inRecords: $0) })
    }

    static func segments() -> [SegmentInfo] {
        [
            SegmentInfo(baseOffset: 0, endOffset: 700, fileName: "00000000000000000000.log", sizeInBytes: 70_000,
                        batchCount: 70, recordCount: 700, firstTimestamp: nowMs - 3_600_000, maxTimestamp: nowMs - 1_800_000,
                        offsetIndexEntries: 17, timeIndexEntries: 17, isActive: false),
            SegmentInfo(baseOffset: 700, endOffset: 1200, fileName: "00000000000000000700.log", sizeInBytes: 50_000,
                        batchCount: nil, recordCount: nil, firstTimestamp: nowMs - 1_800_000, maxTimestamp: nowMs,
                        offsetIndexEntries: 12, timeIndexEntries: 11, isActive: true),
        ]
    }

    static func configs() -> [ConfigEntry] {
        [
            ConfigEntry(name: "cleanup.policy", value: "delete", source: .defaultConfig, isSensitive: false, isReadOnly: false),
            ConfigEntry(name: "retention.ms", value: "3600000", source: .dynamicTopicConfig, isSensitive: false, isReadOnly: false),
            ConfigEntry(name: "segment.bytes", value: "1073741824", source: .defaultConfig, isSensitive: false, isReadOnly: false),
        ]
    }

    static var options: ConsoleOptions {
        var options = ConsoleOptions()
        options.clock = { nowMs }
        options.timeZone = TimeZone(identifier: "UTC")!
        options.listeners = "127.0.0.1:9092-9094"
        return options
    }

    /// An app over the fixture snapshot (and segments and configs), showing `stack`.
    static func app(_ stack: [any ConsoleView] = [TopicsView()], options: ConsoleOptions = Fixtures.options,
                    backend: FakeBackend = FakeBackend()) -> ConsoleApp {
        let app = ConsoleApp(backend: backend, options: options, root: stack[0])
        app.apply([.replaceStack(stack)])
        app.apply(.snapshot(snapshot()))
        app.apply(.segments(TopicPartition("orders", 0), Fetched(.success(segments()), fetchedAtMs: nowMs)))
        app.apply(.configs("orders", Fetched(.success(configs()), fetchedAtMs: nowMs)))
        return app
    }

    static let small = Size(rows: 24, columns: 80)
    static let large = Size(rows: 40, columns: 120)
}

extension Screen {
    /// The first row containing `text`, if any.
    func line(containing text: String) -> String? { self.text().first { $0.contains(text) } }

    /// The index of the first row containing `text`.
    func rowIndex(containing text: String) -> Int? { self.text().firstIndex { $0.contains(text) } }

    /// Columns (not characters) before `text` in `row`.
    func column(of text: String, inRow row: Int) -> Int? {
        let line = self.row(row)
        guard let range = line.range(of: text) else { return nil }
        return TextWidth.of(String(line[..<range.lowerBound]))
    }
}
