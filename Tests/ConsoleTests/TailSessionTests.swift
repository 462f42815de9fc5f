import BrokerEngine
@testable import Console
import Foundation
import KafkaProtocol
import LogStore
import NIOCore
import Testing

/// The tail against a real embedded cluster: records produced (plain and compressed) arrive
/// in order with their keys and headers, new ones arrive while following, the start points
/// work, and stopping ends the run.
@Suite(.serialized) struct TailSessionTests {
    func produce(_ real: RealCluster, _ partition: Int32, _ values: [String], compression: CompressionCodec = .none,
                 key: String? = nil, headers: [RecordHeader] = []) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let batch = try RecordBatch(records: values.map {
            RecordBatch.Entry(key: key.map { ByteBuffer(string: $0) }, value: ByteBuffer(string: $0), headers: headers, timestamp: now)
        }, compression: compression).encoded(compression: compression)
        let tp = TopicPartition("events", partition)
        let leader = try #require(real.cluster.leader(of: tp))
        _ = try await leader.replicaManager.appendRecords(tp, records: batch, requiredAcks: -1, timeoutMs: 10_000).get()
    }

    /// Waits (bounded) until the ring holds `count` records; returns them.
    func records(_ session: TailSession, count: Int, timeout: Double = 10) async throws -> [ConsumedRecord] {
        let deadline = Date().addingTimeInterval(timeout)
        while session.ring.count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return session.ring.contents(nowMs: 0).records
    }

    func values(_ records: [ConsumedRecord], partition: Int32) -> [String] {
        records.filter { $0.partition == partition }.map { String(decoding: $0.value ?? [], as: UTF8.self) }
    }

    @Test func readsPlainAndCompressedBatchesInOrderThenFollows() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "events", numPartitions: 2, replicationFactor: 1))
        try await produce(real, 0, (0..<4).map { "plain-\($0)" })
        try await produce(real, 0, (0..<4).map { "gzip-\($0)" }, compression: .gzip)
        try await produce(real, 1, (0..<3).map { "zstd-\($0)" }, compression: .zstd, key: "k",
                          headers: [RecordHeader(key: "trace", value: ByteBuffer(string: "t-1"))])

        let session = TailSession(topic: "events", start: .beginning)
        session.begin(backend: real.backend)
        let first = try await records(session, count: 11)
        #expect(values(first, partition: 0) == (0..<4).map { "plain-\($0)" } + (0..<4).map { "gzip-\($0)" })
        #expect(first.filter { $0.partition == 0 }.map(\.offset) == Array(0..<8))
        #expect(values(first, partition: 1) == (0..<3).map { "zstd-\($0)" })
        let keyed = try #require(first.first { $0.partition == 1 })
        #expect(keyed.key == Array("k".utf8))
        #expect(keyed.headers == [ConsumedRecord.Header(key: "trace", value: Array("t-1".utf8))])

        // Following: new records (lz4, snappy) arrive after the old ones.
        try await produce(real, 1, ["lz4-0", "lz4-1"], compression: .lz4)
        try await produce(real, 0, ["snappy-0"], compression: .snappy)
        let more = try await records(session, count: 14)
        #expect(values(more, partition: 1).suffix(2) == ["lz4-0", "lz4-1"])
        #expect(values(more, partition: 0).last == "snappy-0")
        #expect(session.ring.mode == .following)
        #expect(await session.stopAndWait())
        #expect(!session.isRunning)
    }

    @Test func startsAtTheEndOffsetOrTime() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "events", numPartitions: 2, replicationFactor: 1))
        try await produce(real, 0, (0..<10).map { "a-\($0)" })
        try await produce(real, 1, (0..<10).map { "b-\($0)" }, compression: .gzip)

        // The newest 3 of each partition, then what comes next.
        let session = TailSession(topic: "events", start: .end(perPartition: 3))
        session.begin(backend: real.backend)
        let newest = try await records(session, count: 6)
        #expect(values(newest, partition: 0) == ["a-7", "a-8", "a-9"])
        #expect(values(newest, partition: 1) == ["b-7", "b-8", "b-9"])
        try await produce(real, 0, ["a-10"])
        #expect(values(try await records(session, count: 7), partition: 0).last == "a-10")

        // An offset in one partition: that partition from there, the other from its end.
        session.restart(from: .offset(8, partition: 1))
        let jumped = try await records(session, count: 2)
        #expect(values(jumped, partition: 1) == ["b-8", "b-9"])
        #expect(values(jumped, partition: 0).isEmpty)

        // An offset past the end is clamped to it; a time before everything reads it all.
        session.restart(from: .offset(5, partition: nil))
        let fromFive = try await records(session, count: 11)
        #expect(values(fromFive, partition: 0) == (5...10).map { "a-\($0)" })
        session.restart(from: .timestamp(0))
        #expect(try await records(session, count: 21).count == 21)
        #expect(await session.stopAndWait())

        // A stopped session's ring is empty and stays so.
        #expect(session.ring.count == 0)
        try await produce(real, 0, ["late"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(session.ring.count == 0)
    }

    @Test func aJumpPausesWhenTheRingIsFull() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "events", numPartitions: 1, replicationFactor: 1))
        try await produce(real, 0, (0..<30).map { "r-\($0)" }, compression: .zstd)
        let session = TailSession(topic: "events", start: .beginning, ring: MessageRing(capacity: 10))
        session.begin(backend: real.backend)
        let deadline = Date().addingTimeInterval(10)
        while session.ring.mode != .pausedFull, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(session.ring.mode == .pausedFull)
        let shown = session.ring.contents(nowMs: 0).records
        #expect(values(shown, partition: 0) == (0..<10).map { "r-\($0)" }, "the jump point stays on screen")
        // Space reads on from after the newest shown, following.
        session.togglePause()
        #expect(session.ring.mode == .following)
        let deadline2 = Date().addingTimeInterval(10)
        while values(session.ring.contents(nowMs: 0).records, partition: 0).last != "r-29", Date() < deadline2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(values(session.ring.contents(nowMs: 0).records, partition: 0).last == "r-29")
        #expect(session.ring.count == 10)
        #expect(await session.stopAndWait())
    }

    @Test func fastTopicIsSampledKeepingTheNewest() async throws {
        let real = try RealCluster()
        try await real.backend.createTopic(NewTopic(name: "events", numPartitions: 1, replicationFactor: 1))
        let session = TailSession(topic: "events", start: .defaultEnd, ring: MessageRing(capacity: 60))
        session.begin(backend: real.backend)
        try await Task.sleep(for: .milliseconds(100))
        session.togglePause()
        // While paused, 500 records arrive: far more than the ring holds.
        for chunk in 0..<5 { try await produce(real, 0, (0..<100).map { "f-\(chunk * 100 + $0)" }, compression: .lz4) }
        try await Task.sleep(for: .milliseconds(400))
        session.togglePause()
        let deadline = Date().addingTimeInterval(10)
        while values(session.ring.contents(nowMs: Int64(Date().timeIntervalSince1970 * 1000)).records, partition: 0).last != "f-499",
              Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let contents = session.ring.contents(nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        #expect(values(contents.records, partition: 0).last == "f-499")
        #expect(contents.samplingOneIn != nil, "skipping ahead is reported")
        #expect(contents.records.count <= 60)
        #expect(await session.stopAndWait())
    }
}
