import Foundation
import NIOCore
import Testing

@testable import KafkaProtocol

/// Where the wire captures live: `<package root>/../shared/captures` when the package sits
/// next to `shared/` (as /work/main does), else the shared copy at /work/shared/captures.
enum Captures {
    static var directory: URL? {
        let candidates = [
            TestSupport.packageRoot.appendingPathComponent("../shared/captures").standardized,
            URL(fileURLWithPath: "/work/shared/captures"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("INDEX.md").path) }
    }
}

/// Golden bytes: every record batch in every Produce request that real clients
/// (kcat/librdkafka 2.0.2 and 2.16, confluent-kafka, kafka-python, aiokafka) sent, captured
/// on the wire (`../shared/captures`), decoded and compared with the capture's
/// independent decoded view (`decoded.jsonl`).
@Suite(.enabled(if: Captures.directory != nil || ProcessInfo.processInfo.environment["CI"] != nil))
struct CapturedClientBatchTests {
    struct Capture {
        var url: URL
        var expected: [String: Any]  // the decoded.jsonl object for this file
    }

    static func produceCaptures() throws -> [Capture] {
        let root = try #require(Captures.directory, "captures directory not found")
        var result: [Capture] = []
        let clients = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)
        for client in clients.sorted(by: { $0.path < $1.path }) {
            let jsonl = client.appendingPathComponent("decoded.jsonl")
            guard let text = try? String(contentsOf: jsonl, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let file = object["file"] as! String
                guard file.contains("-Produce-v"), file.hasSuffix("-request.bin") else { continue }
                result.append(Capture(url: client.appendingPathComponent(file), expected: object))
            }
        }
        return result
    }

    static func text(_ buffer: ByteBuffer?) -> String? {
        buffer.map { String(decoding: $0.readableBytesView, as: UTF8.self) }
    }

    /// decoded.jsonl cuts printed values to 80 characters.
    static func matches(_ actual: String?, _ expected: Any?) -> Bool {
        guard let actual else { return expected == nil || expected is NSNull }
        guard let expected = expected as? String else { return false }
        return actual.count <= 80 ? actual == expected : actual.hasPrefix(String(expected.prefix(80)))
    }

    @Test func everyCapturedProduceBatchDecodesAndMatchesTheDecodedView() throws {
        let captures = try Self.produceCaptures()
        #expect(captures.count >= 20)
        var codecsSeen = Set<CompressionCodec>()
        var batchesChecked = 0
        var rawSnappySeen = false
        for capture in captures {
            let name = capture.url.lastPathComponent
            let frame = ByteBuffer(bytes: try Data(contentsOf: capture.url))
            let request = try CapturedProduceRequest(frame: frame)
            let body = capture.expected["body"] as! [String: Any]
            let expectedPartitions = (body["TopicData"] as! [[String: Any]]).flatMap { topic in
                (topic["PartitionData"] as! [[String: Any]]).map { (topic["Name"] as! String, $0) }
            }
            try #require(request.partitions.count == expectedPartitions.count, "\(name): partition count")
            for (partition, (topicName, expected)) in zip(request.partitions, expectedPartitions) {
                #expect(partition.topic == topicName)
                #expect(Int(partition.partition) == expected["Index"] as? Int)
                let records = try #require(partition.records, "\(name): null records")
                let expectedBatches = (expected["Records"] as! [String: Any])["batches"] as! [[String: Any]]
                // A request carries whole batches only.
                #expect(RecordBatchSequence(records).validPrefixLength == records.readableBytes, "\(name)")
                let raws = Array(RecordBatchSequence(records))
                try #require(raws.count == expectedBatches.count, "\(name): batch count")
                for (raw, want) in zip(raws, expectedBatches) {
                    #expect(raw.crcIsValid, "\(name): CRC")
                    let batch = try raw.decode()
                    batchesChecked += 1
                    codecsSeen.insert(batch.compression)
                    if batch.compression == .snappy {
                        let payload = raw.bytes.getSlice(at: raw.bytes.readerIndex + 61, length: raw.bytes.readableBytes - 61)!
                        if !TestSupport.bytes(payload).starts(with: SnappyCodec.xerialMagic) { rawSnappySeen = true }
                    }
                    try Self.check(batch, against: want, in: name)
                }
            }
        }
        #expect(batchesChecked >= 30)
        #expect(codecsSeen == Set(CompressionCodec.allCases), "real clients wrote every codec")
        #expect(rawSnappySeen, "librdkafka's raw snappy was exercised")
    }

    static func check(_ batch: RecordBatch, against want: [String: Any], in name: String) throws {
        let h = batch.header
        #expect(want["codec"] as? String == batch.compression.name, "\(name)")
        #expect(want["crc_ok"] as? Bool == true)
        #expect(Int(h.attributes.rawValue) == want["attributes"] as? Int, "\(name)")
        #expect(Int(h.baseOffset) == want["base_offset"] as? Int)
        #expect(Int(h.batchLength) == want["batch_length"] as? Int)
        #expect(Int(h.partitionLeaderEpoch) == want["partition_leader_epoch"] as? Int)
        #expect(Int(h.lastOffsetDelta) == want["last_offset_delta"] as? Int)
        #expect(Int(h.baseTimestamp) == want["base_timestamp"] as? Int)
        #expect(Int(h.maxTimestamp) == want["max_timestamp"] as? Int)
        #expect(Int(h.producerId) == want["producer_id"] as? Int)
        #expect(Int(h.producerEpoch) == want["producer_epoch"] as? Int)
        #expect(Int(h.baseSequence) == want["base_sequence"] as? Int)
        #expect(batch.isTransactional == want["transactional"] as? Bool)
        #expect(batch.isControl == want["control"] as? Bool)
        let wantRecords = want["records"] as! [[String: Any]]
        try #require(batch.records.count == wantRecords.count, "\(name): record count")
        #expect(batch.records.count == want["record_count"] as? Int)
        for (record, w) in zip(batch.records, wantRecords) {
            #expect(Int(record.offsetDelta) == w["offset_delta"] as? Int)
            #expect(Int(record.timestampDelta) == w["timestamp_delta"] as? Int)
            #expect(matches(text(record.key), w["key"]), "\(name): key")
            #expect(matches(text(record.value), w["value"]), "\(name): value")
            let wantHeaders = w["headers"] as! [[Any]]
            #expect(record.headers.count == wantHeaders.count, "\(name): headers")
            for (header, wh) in zip(record.headers, wantHeaders) {
                #expect(header.key == wh[0] as? String)
                #expect(matches(text(header.value), wh[1]), "\(name): header \(header.key)")
            }
        }
        // Re-encoding what a real client sent reproduces its bytes when uncompressed
        // (compressed payloads depend on the client's library and level).
        if batch.compression == .none {
            var reencoded = ByteBuffer()
            try batch.encode(to: &reencoded)
            #expect(Int(RecordBatchHeader.peek(reencoded, at: 0)!.batchLength) == want["batch_length"] as? Int)
            #expect(RecordBatchHeader.peek(reencoded, at: 0)!.crc == batch.header.crc, "\(name): re-encoded CRC")
        }
    }
}
