@testable import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

@Suite struct FetchDecodingTests {
    static func batch(_ values: [String], at offset: Int64, producerId: Int64 = -1, transactional: Bool = false,
                      compression: CompressionCodec = .none) throws -> ByteBuffer {
        let entries = values.map { RecordBatch.Entry(key: nil, value: ByteBuffer(string: $0), timestamp: 1_000 + offset) }
        return try RecordBatch(records: entries, baseOffset: offset, producerId: producerId, producerEpoch: producerId < 0 ? -1 : 0,
                               baseSequence: producerId < 0 ? -1 : 0, isTransactional: transactional).encoded(compression: compression)
    }

    static func marker(_ type: ControlRecordType, at offset: Int64, producerId: Int64) throws -> ByteBuffer {
        try RecordBatch.endTransactionMarker(EndTransactionMarker(type: type, coordinatorEpoch: 0), producerId: producerId,
                                             producerEpoch: 0, baseOffset: offset, timestamp: 1_000).encoded()
    }

    @Test func controlBatchesAndAbortedTransactionsAreLeftOutButCounted() throws {
        var records = ByteBuffer()
        for var part in [try Self.batch(["t1", "t2"], at: 0, producerId: 7, transactional: true),
                         try Self.batch(["c1"], at: 2, producerId: 8, transactional: true),
                         try Self.marker(.abort, at: 3, producerId: 7),
                         try Self.batch(["plain"], at: 4),
                         try Self.marker(.commit, at: 5, producerId: 8)] {
            records.writeBuffer(&part)
        }
        let data = FetchResponse.PartitionData(
            partitionIndex: 0, highWatermark: 6, lastStableOffset: 6, logStartOffset: 0,
            abortedTransactions: [.init(producerId: 7, firstOffset: 0)], records: records)
        let fetched = try KafkaClient.decode(data, partition: TopicAndPartition("t", 0), offset: 0)
        #expect(fetched.records.map { $0.value.map { String(decoding: $0, as: UTF8.self) } } == ["c1", "plain"])
        #expect(fetched.records.map(\.offset) == [2, 4])
        #expect(fetched.nextOffset == 6)
        #expect(fetched.highWatermark == 6)
    }

    @Test func compressedBatchRecordsBeforeTheFetchOffsetAreSkipped() throws {
        var records = try Self.batch(["a", "b", "c", "d"], at: 10, compression: .lz4)
        let partial = records.readSlice(length: records.readableBytes - 5)!
        var withTail = try Self.batch(["a", "b", "c", "d"], at: 10, compression: .lz4)
        withTail.writeImmutableBuffer(partial)  // a torn copy after it: ignored
        let data = FetchResponse.PartitionData(partitionIndex: 0, highWatermark: 14, records: withTail)
        let fetched = try KafkaClient.decode(data, partition: TopicAndPartition("t", 0), offset: 12)
        #expect(fetched.records.map(\.offset) == [12, 13])
        #expect(fetched.records.map(\.timestamp) == [1_010, 1_010])
        #expect(fetched.nextOffset == 14)
    }
}
