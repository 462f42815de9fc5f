import Foundation
import Testing
import WharfTestSupport

/// The venv python with kafka-python: `$WHARF_PYTHON`, else the Makefile's `.build/venv`.
enum InteropPython {
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["WHARF_PYTHON"], !explicit.isEmpty { return explicit }
        return WharfBinary.packageRoot.appendingPathComponent(".build/venv/bin/python3").path
    }
}

/// `wharf dump-log` on a segment whose batches another implementation wrote: kafka-python's
/// `DefaultRecordBatchBuilder`, one batch per codec (Tests/interop/recordbatch_crosscheck.py).
/// Enabled where the Makefile's venv exists, and always in CI so a missing venv fails loudly.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: InteropPython.path)
                || ProcessInfo.processInfo.environment["CI"] != nil))
struct DumpLogKafkaPythonTests {

    @Test func dumpsEveryCodecKafkaPythonWrites() throws {
        let dir = try TemporaryDirectory()
        let script = WharfBinary.packageRoot.appendingPathComponent("Tests/interop/recordbatch_crosscheck.py").path
        let writer = try ChildProcess(InteropPython.path, [script, "write", dir.url.path], stdout: .inherit, stderr: .inherit)
        writer.waitUntilExit()
        try #require(writer.terminationReason == .exited(0), "kafka-python could not write its batches")

        // One segment holding kafka-python's batches back to back, as a broker would store them.
        var segment = Data()
        let codecs = ["none", "gzip", "snappy", "lz4", "zstd"]
        for codec in codecs { segment.append(try Data(contentsOf: dir.url.appendingPathComponent("\(codec).bin"))) }
        let path = dir.path("00000000000000000000.log")
        try segment.write(to: URL(fileURLWithPath: path))

        let result = try WharfBinary.run(["dump-log", "--print-data-log", path])
        #expect(result.status == 0)
        let batchLines = result.lines.filter { $0.hasPrefix("baseOffset:") }
        #expect(batchLines.count == codecs.count)
        for (line, codec) in zip(batchLines, codecs) {
            #expect(line.contains("compresscodec: \(codec) "), "\(line)")
            #expect(line.contains("producerId: 4242 producerEpoch: 3"), "\(line)")
            #expect(line.hasSuffix("isvalid: true"), "\(line)")
        }
        // 12 records per batch; record 0's key and the start of its repeated value survive every codec.
        #expect(result.lines.filter { $0.hasPrefix("| offset: ") }.count == 12 * codecs.count)
        #expect(result.lines.filter { $0.contains("sequence: 10 headerKeys: [h-index,h-null] key: key-0 payload: value-0 value-0") }.count == codecs.count)
        #expect(result.lines.filter { $0.hasPrefix("| offset: 3 ") && !$0.contains(" key: ") }.count == codecs.count)
        #expect(!result.lines.contains { $0.hasPrefix("Found ") && $0.contains("invalid bytes") })
        // Record 7's value is the bytes 0…255: control characters are escaped, so it stays one line.
        let binary = result.lines.filter { $0.hasPrefix("| offset: 7 ") }
        #expect(binary.count == codecs.count)
        #expect(binary.allSatisfy { $0.contains("payload: \\x00\\x01\\x02") && $0.contains("\\x0a") && $0.contains(" !\"#$%&") })
    }
}
