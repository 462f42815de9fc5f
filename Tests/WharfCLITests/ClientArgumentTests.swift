import BrokerEngine
import Foundation
import KafkaClient
import LogStore
import Testing
@testable import wharf

/// The client commands' parsing, without a broker.
@Suite struct ClientArgumentTests {
    @Test func datetimesInUTCWithOffsetsAndLocalTime() throws {
        #expect(try OffsetResetArguments.parseDatetime("2026-01-31T12:00:00.000Z") == 1_769_860_800_000)
        #expect(try OffsetResetArguments.parseDatetime("2026-01-31T12:00:00.25Z") == 1_769_860_800_250)
        #expect(try OffsetResetArguments.parseDatetime("2026-01-31T13:30:00+01:30") == 1_769_860_800_000)
        #expect(try OffsetResetArguments.parseDatetime("2026-01-31T10:00:00.000-0200") == 1_769_860_800_000)
        // Without a zone: local time, as Foundation computes it.
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour, components.minute) = (2026, 1, 31, 12, 0)
        let local = Calendar.current.date(from: components)!
        #expect(try OffsetResetArguments.parseDatetime("2026-01-31T12:00:00.000") == Int64(local.timeIntervalSince1970 * 1000))
        for bad in ["2026-01-31", "2026-13-01T00:00:00", "2026-01-31T12:00:00.", "2026-01-31T12:00:00+1", "yesterday"] {
            #expect(throws: (any Error).self, "\(bad)") { try OffsetResetArguments.parseDatetime(bad) }
        }
    }

    @Test func isoDurationsAsJavaReadsThem() throws {
        #expect(try OffsetResetArguments.parseDuration("PT1H") == 3_600_000)
        #expect(try OffsetResetArguments.parseDuration("P1DT2H3M4.5S") == 93_784_500)
        #expect(try OffsetResetArguments.parseDuration("pt30m") == 1_800_000)
        #expect(try OffsetResetArguments.parseDuration("-PT1S") == -1000)
        for bad in ["1h", "P", "PT", "P1H", "PT1D", "PT5"] {
            #expect(throws: (any Error).self, "\(bad)") { try OffsetResetArguments.parseDuration(bad) }
        }
    }

    @Test func topicScopes() throws {
        #expect(try OffsetResetArguments.scope(topics: ["a", "b"], allTopics: false) == .topics(["a", "b"]))
        #expect(try OffsetResetArguments.scope(topics: ["a:0,2", "b:1"], allTopics: false)
            == .partitions([TopicPartition("a", 0), TopicPartition("a", 2), TopicPartition("b", 1)]))
        #expect(try OffsetResetArguments.scope(topics: [], allTopics: true) == .allTopics)
        #expect(throws: (any Error).self) { try OffsetResetArguments.scope(topics: ["a", "b:1"], allTopics: false) }
        #expect(throws: (any Error).self) { try OffsetResetArguments.scope(topics: ["a"], allTopics: true) }
    }

    @Test func formatPlaceholdersAndEscapes() throws {
        let record = ConsumerRecord(topic: "t", partition: 2, offset: 41, timestamp: 1_700_000_000_000, key: nil,
                                    value: Array("v".utf8), headers: [KafkaHeader("a", "1"), KafkaHeader("b", nil)])
        var out: [UInt8] = []
        try RecordFormat(parsing: "%T/%p/%o %t %k=%v [%h] 100%%\\t|").render(record, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "t/2/41 1700000000000 null=v [a:1,b:null] 100%\t|\n")
        out = []
        RecordFormat.valueOnly.render(ConsumerRecord(topic: "t", partition: 0, offset: 0, timestamp: 0, key: nil, value: nil),
                                      into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "null\n")
        #expect(throws: RecordFormat.ParseError.self) { try RecordFormat(parsing: "%x") }
        #expect(throws: RecordFormat.ParseError.self) { try RecordFormat(parsing: "50%") }
    }

    @Test func producerLinesWithKeysAndNullMarkers() throws {
        var settings = ProduceCommand.Settings()
        settings.parseKey = true
        settings.keySeparator = "::"
        settings.nullMarker = "NULL"
        let record = try #require(ProduceCommand.record("k::v::w", settings: settings, headers: [], partition: 3))
        #expect(record.key == Array("k".utf8) && record.value == Array("v::w".utf8) && record.partition == 3)
        #expect(ProduceCommand.record("NULL::x", settings: settings, headers: [], partition: nil)?.key == nil)
        #expect(ProduceCommand.record("no separator", settings: settings, headers: [], partition: nil) == nil)
    }

    @Test func tablesPadEveryColumnButTheLast() {
        #expect(formatTable(["A", "BBB", "C"], [["long", "x", "last column"]]) == "A    BBB C\nlong x   last column\n")
    }
}
