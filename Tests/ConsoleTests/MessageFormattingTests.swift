@testable import Console
import Foundation
import Testing

/// Previews, pretty JSON, hex dumps, the jump prompts' parsing, and the ring's bounds.
@Suite struct MessageFormattingTests {
    @Test func previewsAreOneLine() {
        #expect(MessageFormatting.preview(Array("a\n  b\tc".utf8)).text == "a b c")
        #expect(MessageFormatting.preview(nil) == TextSpan("null", .dim))
        #expect(MessageFormatting.preview([0xC3, 0x28]).text == "0x c3 28")
        #expect(MessageFormatting.preview(Array(String(repeating: "x", count: 500).utf8), maxCharacters: 10).text == "xxxxxxxxxx")
        #expect(MessageFormatting.headersPreview([.init(key: "a", value: Array("1".utf8)), .init(key: "b", value: nil)])
                == "2: a=1, b=null")
    }

    @Test func prettyJSONKeepsKeyOrderAndStrings() throws {
        let lines = try #require(MessageFormatting.prettyJSON(Array(#"{"z":1,"a":{"s":"x, {y}: \"q\""},"e":[],"n":null}"#.utf8)))
        #expect(lines == [
            "{",
            "  \"z\": 1,",
            "  \"a\": {",
            "    \"s\": \"x, {y}: \\\"q\\\"\"",
            "  },",
            "  \"e\": [],",
            "  \"n\": null",
            "}",
        ])
        #expect(MessageFormatting.prettyJSON(Array("42".utf8)) == nil, "only objects and arrays")
        #expect(MessageFormatting.prettyJSON(Array("{broken".utf8)) == nil)
    }

    @Test func hexDumpLikeHexdumpC() {
        let bytes = Array("Hello, Kafka!\n".utf8) + [0x00, 0xFF, 0x41]
        #expect(MessageFormatting.hexDump(bytes, width: 80) == [
            "00000000  48 65 6c 6c 6f 2c 20 4b  61 66 6b 61 21 0a 00 ff  |Hello, Kafka!...|",
            "00000010  41                                                |A|",
        ])
        #expect(MessageFormatting.hexDump(Array(bytes.prefix(9)), width: 60) == [
            "00000000  48 65 6c 6c 6f 2c 20 4b  |Hello, K|",
            "00000008  61                       |a|",
        ])
    }

    @Test func offsetPromptParsing() {
        #expect((try? TailStart.parseOffset("1200", partitions: [0, 1]).get()) == (.offset(1200, partition: nil)))
        #expect((try? TailStart.parseOffset(" 1:5 ", partitions: [0, 1]).get()) == (.offset(5, partition: 1)))
        #expect(TailStart.parseOffset("-3", partitions: [0]).isFailure)
        #expect(TailStart.parseOffset("1:2:3", partitions: [0]).isFailure)
        guard case .failure(let error) = TailStart.parseOffset("2:5", partitions: [3]) else { Issue.record("accepted"); return }
        #expect(error.description == "No partition 2 here: only partition 3 is tailed.")
    }

    @Test func timePromptParsing() {
        let utc = TimeZone(identifier: "UTC")!
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect((try? TailStart.parseTimestamp("2023-11-14T22:13:20", timeZone: utc).get()) == (.timestamp(1_700_000_000_000)))
        #expect((try? TailStart.parseTimestamp("2023-11-14T23:13:20", timeZone: berlin).get()) == (.timestamp(1_700_000_000_000)))
        #expect((try? TailStart.parseTimestamp("2023-11-14T22:13:20Z", timeZone: berlin).get()) == (.timestamp(1_700_000_000_000)))
        #expect((try? TailStart.parseTimestamp("2023-11-14", timeZone: utc).get()) == (.timestamp(1_699_920_000_000)))
        #expect((try? TailStart.parseTimestamp("1700000000123", timeZone: utc).get()) == (.timestamp(1_700_000_000_123)))
        #expect(TailStart.parseTimestamp("2023-02-30T00:00:00", timeZone: utc).isFailure)
        #expect(TailStart.parseTimestamp("2023-11-14T22:13:20junk", timeZone: utc).isFailure)
    }

    @Test func ringKeepsTheNewestWithinItsBounds() {
        let ring = MessageRing(capacity: 3, maxBytes: 1 << 20)
        let run = ring.reset()
        let records = (0..<5).map { ConsumedRecord(partition: 0, offset: Int64($0), timestamp: 0, key: nil, value: [UInt8($0)]) }
        ring.append(Array(records.prefix(2)), run: run, nowMs: 0)
        ring.append(Array(records.suffix(3)), run: run, nowMs: 0)
        #expect(ring.contents(nowMs: 0).records.map(\.offset) == [2, 3, 4])
        #expect(!ring.append(records, run: run - 1, nowMs: 0), "an older run's records are refused")
        // Big values are cut, and the ring's bytes stay bounded.
        let big = MessageRing(capacity: 100, maxBytes: 200 * 1024)
        let bigRun = big.reset()
        let value = [UInt8](repeating: 7, count: 100 * 1024)
        big.append((0..<5).map { ConsumedRecord(partition: 0, offset: Int64($0), timestamp: 0, key: nil, value: value) }, run: bigRun, nowMs: 0)
        let contents = big.contents(nowMs: 0)
        #expect(contents.records.map(\.offset) == [2, 3, 4])
        #expect(contents.records.allSatisfy { $0.value?.count == MessageRing.maxValueBytes })
        #expect(contents.cutValueSizes["0:4"] == 100 * 1024)
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}

/// A read of several partitions becomes one timeline, each partition still in offset order.
@Suite struct TailMergeTests {
    @Test func partitionsInterleaveByTimeKeepingOffsetOrder() {
        func record(_ partition: Int32, _ offset: Int64, _ timestamp: Int64) -> ConsumedRecord {
            ConsumedRecord(partition: partition, offset: offset, timestamp: timestamp, key: nil, value: nil)
        }
        // Partition 0's timestamps go backwards at offset 2 (CreateTime is the producer's): order kept.
        let merged = TailRun.mergedByTime([[record(0, 1, 10), record(0, 2, 5), record(0, 3, 30)], [record(1, 7, 8), record(1, 8, 20)], []])
        #expect(merged.map { "\($0.partition):\($0.offset)" } == ["1:7", "0:1", "0:2", "1:8", "0:3"])
    }
}
