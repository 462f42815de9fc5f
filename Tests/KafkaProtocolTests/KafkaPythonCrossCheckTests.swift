import Foundation
import NIOCore
import Testing

@testable import KafkaProtocol
import WharfTestSupport

/// The venv python with kafka-python (`Tests/interop/requirements.txt`): `$WHARF_PYTHON`,
/// else `<package root>/.build/venv/bin/python3`, which the Makefile creates.
enum InteropPython {
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["WHARF_PYTHON"], !explicit.isEmpty { return explicit }
        return TestSupport.packageRoot.appendingPathComponent(".build/venv/bin/python3").path
    }
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }
    static var script: String { TestSupport.packageRoot.appendingPathComponent("Tests/interop/recordbatch_crosscheck.py").path }

    /// Runs the cross-check script and returns its stdout; fails the test on a non-zero exit.
    static func run(_ arguments: [String]) throws -> Data {
        let process = try ChildProcess(path, [script] + arguments, stdout: .pipe, stderr: .pipe)
        process.waitUntilExit()
        let output = process.stdoutData
        try #require(
            process.terminationReason == .exited(0),
            "\(path) \(arguments.first ?? "") failed: \(process.stderrText)")
        return output
    }
}

/// Our record batches against kafka-python's `DefaultRecordBatch`/`DefaultRecordBatchBuilder`,
/// an implementation written independently of ours, in both directions and for every codec.
/// Runs when the interop venv exists; in CI (`CI` set) a missing venv fails instead of skipping.
@Suite(.enabled(if: InteropPython.isAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
struct KafkaPythonCrossCheckTests {
    static func hex(_ buffer: ByteBuffer?) -> String? {
        buffer.map { $0.readableBytesView.map { String(format: "%02x", $0) }.joined() }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-crosscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A batch per codec with nulls, empties, binary bytes and null-valued headers; the
    /// gzip one uses LogAppendTime, the zstd one is transactional, and the uncompressed
    /// file also carries a COMMIT marker batch after its data batch.
    static func ourBatches() -> [(CompressionCodec, [RecordBatch])] {
        CompressionCodec.allCases.map { codec in
            let entries = (0..<10).map { (i: Int) -> RecordBatch.Entry in
                let text = String(repeating: "wharf-\(codec.name)-\(i) ", count: 25)
                let value: ByteBuffer? = i == 4 ? nil : (i == 5 ? ByteBuffer() : ByteBuffer(string: text))
                let binary = ByteBuffer(bytes: [0, 255, UInt8(i)])
                let headers = i % 3 == 0 ? [RecordHeader(key: "h", value: binary), RecordHeader(key: "n", value: nil)] : []
                let key: ByteBuffer? = i == 2 ? nil : ByteBuffer(string: "wharf-key-\(i)")
                return RecordBatch.Entry(key: key, value: value, headers: headers, timestamp: 1_700_000_000_000 + Int64(i % 4))
            }
            var batches = [
                RecordBatch(
                    records: entries, baseOffset: 1000, partitionLeaderEpoch: 5, producerId: 77, producerEpoch: 2,
                    baseSequence: 40, isTransactional: codec == .zstd, compression: codec,
                    timestampType: codec == .gzip ? .logAppendTime : .createTime, logAppendTime: 1_800_000_000_000)
            ]
            if codec == .none {
                batches.append(.endTransactionMarker(
                    EndTransactionMarker(type: .commit, coordinatorEpoch: 9), producerId: 77, producerEpoch: 2,
                    baseOffset: 1010, timestamp: 1_700_000_000_100))
            }
            return (codec, batches)
        }
    }

    @Test func kafkaPythonReadsOurBatches() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ours = Self.ourBatches()
        var files: [String] = []
        for (codec, batches) in ours {
            var buffer = ByteBuffer()
            for batch in batches { try batch.encode(to: &buffer) }
            let url = directory.appendingPathComponent("\(codec.name).bin")
            try Data(buffer.readableBytesView).write(to: url)
            files.append(url.path)
        }
        let output = try InteropPython.run(["read"] + files)
        let parsed = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
        try #require(parsed.count == ours.count)
        for ((codec, batches), file) in zip(ours, parsed) {
            #expect(file["valid_bytes"] as? Int == file["size"] as? Int, "\(codec)")
            let theirs = try #require(file["batches"] as? [[String: Any]])
            try #require(theirs.count == batches.count, "\(codec): batch count")
            for (batch, their) in zip(batches, theirs) {
                #expect(their["crc_valid"] as? Bool == true, "\(codec): kafka-python rejects our CRC")
                #expect(their["codec"] as? String == (batch.isControl ? "none" : codec.name))
                #expect(their["base_offset"] as? Int == Int(batch.baseOffset))
                #expect(their["last_offset_delta"] as? Int == batch.records.count - 1)
                #expect(their["producer_id"] as? Int == 77 && their["producer_epoch"] as? Int == 2)
                #expect(their["base_sequence"] as? Int == Int(batch.header.baseSequence))
                #expect(their["is_transactional"] as? Bool == batch.isTransactional)
                #expect(their["is_control"] as? Bool == batch.isControl)
                #expect(their["timestamp_type"] as? Int == (batch.timestampType == .logAppendTime ? 1 : 0))
                let records = try #require(their["records"] as? [[String: Any]])
                try #require(records.count == batch.records.count)
                for (record, theirRecord) in zip(batch.records, records) {
                    #expect(theirRecord["offset"] as? Int == Int(batch.offset(of: record)))
                    #expect(theirRecord["timestamp"] as? Int == Int(batch.timestamp(of: record)), "\(codec)")
                    #expect(theirRecord["key"] as? String == Self.hex(record.key))
                    #expect(theirRecord["value"] as? String == Self.hex(record.value))
                    let headers = (theirRecord["headers"] as? [[Any]]) ?? []
                    #expect(headers.count == record.headers.count)
                    for (h, theirs) in zip(record.headers, headers) {
                        #expect(theirs[0] as? String == h.key)
                        #expect(theirs[1] as? String == Self.hex(h.value))
                    }
                }
            }
        }
    }

    @Test func weDecodeKafkaPythonBatches() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try InteropPython.run(["write", directory.path])
        let manifestData = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [[String: Any]])
        #expect(Set(manifest.compactMap { $0["codec"] as? String }) == Set(CompressionCodec.allCases.map(\.name)))
        for entry in manifest {
            let path = try #require(entry["file"] as? String)
            var buffer = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
            let batch = try RecordBatch.decode(from: &buffer)
            #expect(buffer.readableBytes == 0)
            #expect(batch.compression.name == entry["codec"] as? String, "\(path)")
            #expect(Int(batch.header.producerId) == entry["producer_id"] as? Int)
            #expect(Int(batch.header.producerEpoch) == entry["producer_epoch"] as? Int)
            #expect(Int(batch.header.baseSequence) == entry["base_sequence"] as? Int)
            #expect(batch.isTransactional == entry["is_transactional"] as? Bool)
            let expected = try #require(entry["records"] as? [[String: Any]])
            try #require(batch.records.count == expected.count, "\(path): record count")
            for (record, want) in zip(batch.records, expected) {
                #expect(Int(batch.offset(of: record)) == want["offset"] as? Int)
                #expect(Int(batch.timestamp(of: record)) == want["timestamp"] as? Int)
                #expect(Self.hex(record.key) == want["key"] as? String, "\(path)")
                #expect(Self.hex(record.value) == want["value"] as? String, "\(path)")
                let headers = (want["headers"] as? [[Any]]) ?? []
                #expect(record.headers.count == headers.count)
                for (h, w) in zip(record.headers, headers) {
                    #expect(h.key == w[0] as? String)
                    #expect(Self.hex(h.value) == w[1] as? String)
                }
            }
            // And what we re-encode, kafka-python's builder would agree with byte for byte
            // when there is no compression (compressed bytes depend on library versions).
            if batch.compression == .none {
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(Data(try batch.encoded().readableBytesView) == original)
            }
        }
    }
}
