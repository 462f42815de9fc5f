import NIOCore
import Testing

@testable import KafkaProtocol

@Suite struct RecordBatchSequenceTests {
    static func threeBatches() throws -> (ByteBuffer, [Int]) {
        var buffer = ByteBuffer()
        var sizes: [Int] = []
        for (i, codec) in [CompressionCodec.none, .gzip, .zstd].enumerated() {
            let batch = RecordBatch(records: RecordBatchTests.sampleEntries(count: i + 1), baseOffset: Int64(i * 10), compression: codec)
            sizes.append(try batch.encode(to: &buffer))
        }
        return (buffer, sizes)
    }

    @Test func iteratesWholeBatchesByHeader() throws {
        let (buffer, sizes) = try Self.threeBatches()
        let batches = Array(RecordBatchSequence(buffer))
        #expect(batches.map(\.header.baseOffset) == [0, 10, 20])
        #expect(batches.map(\.bytes.readableBytes) == sizes)
        #expect(batches.map(\.position) == [0, sizes[0], sizes[0] + sizes[1]])
        #expect(batches.allSatisfy { $0.crcIsValid })
        #expect(try batches.map { try $0.decode().records.count } == [1, 2, 3])
        #expect(RecordBatchSequence(buffer).validPrefixLength == buffer.readableBytes)
    }

    @Test func stopsAtAPartialTrailingBatch() throws {
        let (whole, sizes) = try Self.threeBatches()
        let complete = sizes[0] + sizes[1]
        // Cut inside the third batch's records, and inside its header.
        for cut in [whole.readableBytes - 1, complete + 61, complete + 30, complete + 1] {
            let buffer = whole.getSlice(at: 0, length: cut)!
            #expect(Array(RecordBatchSequence(buffer)).count == 2, "cut at \(cut)")
            #expect(RecordBatchSequence(buffer).validPrefixLength == complete)
            var seen = 0
            let consumed = RecordBatchSequence.forEachBatch(in: buffer) { _ in seen += 1 }
            #expect(seen == 2 && consumed == complete)
        }
    }

    /// Bytes arriving one at a time (a socket, a growing segment): a batch appears exactly
    /// when its last byte does, never earlier, and never twice.
    @Test func batchesAppearExactlyWhenTheirLastByteArrives() throws {
        let (whole, sizes) = try Self.threeBatches()
        let ends = [sizes[0], sizes[0] + sizes[1], sizes[0] + sizes[1] + sizes[2]]
        for length in 0...whole.readableBytes {
            let prefix = whole.getSlice(at: 0, length: length)!
            let expected = ends.filter { $0 <= length }.count
            let found = Array(RecordBatchSequence(prefix))
            #expect(found.count == expected, "length \(length)")
            #expect(found.allSatisfy { (try? $0.decode()) != nil })
        }
    }

    @Test func startsAtTheReaderIndex() throws {
        var (buffer, sizes) = try Self.threeBatches()
        buffer.moveReaderIndex(forwardBy: sizes[0])
        let batches = Array(RecordBatchSequence(buffer))
        #expect(batches.map(\.header.baseOffset) == [10, 20])
        #expect(batches.first?.position == 0)
    }

    @Test func stopsAtAnImpossibleBatchLength() throws {
        var (buffer, sizes) = try Self.threeBatches()
        buffer.setInteger(Int32(3), at: sizes[0] + RecordBatchHeader.batchLengthOffset, endianness: .big)
        #expect(Array(RecordBatchSequence(buffer)).count == 1)
    }

    @Test func emptyBufferHasNoBatches() {
        #expect(Array(RecordBatchSequence(ByteBuffer())).isEmpty)
        #expect(RecordBatchSequence(ByteBuffer()).validPrefixLength == 0)
    }
}

@Suite struct ControlRecordTests {
    @Test(arguments: [
        (Int16(0), ControlRecordType.abort), (1, .commit), (2, .leaderChange), (3, .snapshotHeader),
        (4, .snapshotFooter), (5, .kraftVersion), (6, .kraftVoters), (7, .unknown(7)), (-2, .unknown(-2)),
    ])
    func typeIdsMapBothWays(id: Int16, type: ControlRecordType) {
        #expect(ControlRecordType(rawValue: id) == type)
        #expect(type.rawValue == id)
    }

    @Test func keyIsVersionThenType() throws {
        let key = ControlRecordKey(type: .commit).encoded()
        #expect(TestSupport.bytes(key) == [0, 0, 0, 1])
        #expect(try ControlRecordKey.decode(key) == ControlRecordKey(type: .commit))
        // A newer version with extra bytes is read as far as we understand it.
        #expect(try ControlRecordKey.decode(ByteBuffer(bytes: [0, 1, 0, 0, 9, 9])).type == .abort)
    }

    @Test func shortNullOrNegativeVersionKeysAreRejected() {
        for key in [nil, ByteBuffer(bytes: [0, 0, 0]), ByteBuffer(bytes: [0xff, 0xff, 0, 1])] {
            #expect(throws: KafkaDecodingError.self) { try ControlRecordKey.decode(key) }
        }
    }

    @Test func markerBatchIsBuiltLikeWriteEndTransactionalMarker() throws {
        let marker = EndTransactionMarker(type: .commit, coordinatorEpoch: 12)
        let batch = RecordBatch.endTransactionMarker(
            marker, producerId: 4000, producerEpoch: 3, baseOffset: 77, timestamp: 1_700_000_000_123, partitionLeaderEpoch: 2)
        var buffer = try batch.encoded()
        let header = RecordBatchHeader.peek(buffer, at: 0)!
        #expect(header.attributes.rawValue == 0x30)  // control | transactional, no codec, CreateTime
        #expect(header.producerId == 4000 && header.producerEpoch == 3 && header.baseSequence == -1)
        #expect(header.recordsCount == 1 && header.lastOffsetDelta == 0)
        #expect(header.baseTimestamp == 1_700_000_000_123 && header.maxTimestamp == 1_700_000_000_123)

        let decoded = try RecordBatch.decode(from: &buffer)
        #expect(decoded.controlRecordType == .commit)
        let record = try #require(decoded.records.first)
        #expect(TestSupport.bytes(record.key!) == [0, 0, 0, 1])
        #expect(TestSupport.bytes(record.value!) == [0, 0, 0, 0, 0, 12])
        #expect(record.headers.isEmpty)
        #expect(try EndTransactionMarker.decode(from: record) == marker)
    }

    @Test func abortMarkerRoundTrips() throws {
        let marker = EndTransactionMarker(type: .abort, coordinatorEpoch: -1)
        let batch = RecordBatch.endTransactionMarker(marker, producerId: 1, producerEpoch: 0, timestamp: 5)
        let decoded = try RecordBatch.decode(try batch.encoded(), at: 0)
        #expect(decoded.controlRecordType == .abort)
        #expect(try EndTransactionMarker.decode(from: decoded.records[0]) == marker)
    }

    @Test func markerValueMustBeSixBytesWithNonNegativeVersion() {
        let key = ControlRecordKey(type: .commit).encoded()
        for value in [nil, ByteBuffer(bytes: [0, 0, 0, 0, 1]), ByteBuffer(bytes: [0xff, 0xff, 0, 0, 0, 1])] {
            let record = Record(offsetDelta: 0, timestampDelta: 0, key: key, value: value)
            #expect(throws: KafkaDecodingError.self) { try EndTransactionMarker.decode(from: record) }
        }
        let leaderChange = Record(offsetDelta: 0, timestampDelta: 0, key: ControlRecordKey(type: .leaderChange).encoded(), value: ByteBuffer(bytes: [0, 0, 0, 0, 0, 1]))
        #expect(throws: KafkaDecodingError.self) { try EndTransactionMarker.decode(from: leaderChange) }
    }

    @Test func dataBatchHasNoControlType() throws {
        let batch = RecordBatch(records: RecordBatchTests.sampleEntries(count: 1))
        #expect(batch.controlRecordType == nil)
    }
}
