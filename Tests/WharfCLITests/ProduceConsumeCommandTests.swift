import Foundation
import KafkaClient
import Testing

/// `wharf produce` and `wharf consume` against `wharf serve`, through the real binary.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ProduceConsumeCommandTests {
    /// What `--format '%p|%o|%k|%v|%h'` prints for "key-i:value-i" lines on a 3-partition
    /// topic: keys placed by Java's murmur2 partitioner, offsets in line order per partition.
    static func expectedOutput(count: Int, partitions: Int, header: String) -> String {
        var nextOffset = [Int](repeating: 0, count: partitions)
        var rows: [(partition: Int, offset: Int, line: String)] = []
        for i in 0..<count {
            let partition = Int(Murmur2.partition(forKey: Array("key-\(i)".utf8), partitionCount: partitions))
            rows.append((partition, nextOffset[partition], "\(partition)|\(nextOffset[partition])|key-\(i)|value-\(i)|\(header)\n"))
            nextOffset[partition] += 1
        }
        return rows.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }.map(\.line).joined()
    }

    @Test func hundredKeyedLinesRoundTripWithEveryCodec() throws {
        let served = try ServedWharf()
        defer { served.stop() }
        let input = (0..<100).map { "key-\($0):value-\($0)\n" }.joined()
        let expected = Self.expectedOutput(count: 100, partitions: 3, header: "source:cli")

        for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
            let topic = "lines-\(codec)"
            #expect(try served.run(["topics", "create", "--topic", topic, "--partitions", "3", "--replication-factor", "3"]).status == 0)
            let produced = try served.run(["produce", "--topic", topic, "--property", "parse.key=true",
                                           "--property", "key.separator=:", "--header", "source=cli",
                                           "--compression-codec", codec, "--acks", "all"], input: input)
            #expect(produced.status == 0, "\(codec): \(produced.stderr)")
            #expect(produced.stdout.isEmpty && produced.stderr.isEmpty, "\(codec)")

            let consumed = try served.run(["consume", "--topic", topic, "--from-beginning", "--max-messages", "100",
                                           "--timeout-ms", "10000", "--format", "%p|%o|%k|%v|%h"])
            #expect(consumed.status == 0, "\(codec): \(consumed.stderr)")
            #expect(consumed.stdout == expected, "\(codec)")
            #expect(consumed.stderr == "Processed a total of 100 messages\n")
        }
    }

    @Test func partitionOffsetTimestampAndTimeout() throws {
        let served = try ServedWharf(brokers: 1)
        defer { served.stop() }
        #expect(try served.run(["topics", "create", "--topic", "t", "--partitions", "2"]).status == 0)
        #expect(try served.run(["produce", "--topic", "t", "--partition", "1"], input: "a\nb\nc\n").status == 0)
        Thread.sleep(forTimeInterval: 0.05)
        let between = Int64(Date().timeIntervalSince1970 * 1000)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try served.run(["produce", "--topic", "t", "--partition", "1", "--acks", "1"], input: "d\ne\n").status == 0)

        let byTime = try served.run(["consume", "--topic", "t", "--timestamp", "\(between)", "--timeout-ms", "1500",
                                     "--format", "%T-%p@%o %v"])
        #expect(byTime.status == 0, "\(byTime.stderr)")
        #expect(byTime.stdout == "t-1@3 d\nt-1@4 e\n")

        let fromOffset = try served.run(["consume", "--topic", "t", "--partition", "1", "--offset", "1", "--max-messages", "2"])
        #expect(fromOffset.stdout == "b\nc\n")
        let earliest = try served.run(["consume", "--topic", "t", "--partition", "1", "--offset", "earliest",
                                       "--max-messages", "1", "--format", "%k %h %t"])
        let fields = earliest.stdout.split(separator: " ")
        #expect(fields.prefix(2) == ["null", "NO_HEADERS"])
        #expect(Int64(fields[2].dropLast()).map { $0 < between } == true)

        // Nothing new after the end: --timeout-ms ends it with nothing printed.
        let clock = ContinuousClock()
        let start = clock.now
        let latest = try served.run(["consume", "--topic", "t", "--timeout-ms", "700"])
        #expect(latest.status == 0)
        #expect(latest.stdout.isEmpty)
        #expect(latest.stderr == "Processed a total of 0 messages\n")
        #expect(clock.now - start < .seconds(10))
    }

    @Test func badInputAndBadBrokersExitOne() throws {
        let served = try ServedWharf(brokers: 1)
        defer { served.stop() }
        let missingSeparator = try served.run(["produce", "--topic", "k", "--property", "parse.key=true"],
                                              input: "a\tb\nno-separator\n")
        #expect(missingSeparator.status == 1)
        #expect(missingSeparator.stderr == "wharf produce: No key separator found on line number 2: 'no-separator'\n")

        let unknownPartition = try served.run(["consume", "--topic", "k", "--partition", "7", "--timeout-ms", "100"])
        #expect(unknownPartition.status == 1)
        #expect(unknownPartition.stderr.contains("UNKNOWN_TOPIC_OR_PARTITION: topic 'k' partition 7"))

        let usage = try served.run(["consume", "--topic", "k", "--offset", "3"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--offset with an offset needs --partition."))
        #expect(try served.run(["produce", "--topic", "k", "--compression-codec", "brotli"], input: "").status == 64)
    }
}
