import ArgumentParser
import Foundation
import Glibc
import KafkaClient
import KafkaProtocol

/// `wharf produce`: kafka-console-producer.sh. Each line of standard input is one record.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce standard input, one record a line, to a topic.",
        discussion: """
            Lines are sent as they arrive, in batches of what has been read. With \
            --property parse.key=true each line is KEY<separator>VALUE (key.separator defaults \
            to a tab). Prints nothing on success; errors go to standard error with exit status 1.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("topic"), help: "The topic to produce to.")
    var topic: String
    @Option(name: .customLong("property"),
            help: "parse.key=true|false, key.separator=SEP, null.marker=TEXT (repeatable).")
    var properties: [String] = []
    @Option(name: .customLong("header"), help: "A header put on every record, key=value (repeatable).")
    var headers: [String] = []
    @Option(name: .customLong("partition"), help: "Send every record to this partition.")
    var partition: Int32?
    @Option(name: .customLong("compression-codec"), help: "none, gzip, snappy, lz4 or zstd.")
    var compressionCodec = "none"
    @Option(name: [.customLong("acks"), .customLong("request-required-acks")], help: "all (-1), 1 or 0.")
    var acks = "all"

    struct Settings {
        var parseKey = false
        var keySeparator = "\t"
        var nullMarker: String?
    }

    func settings() throws -> Settings {
        var settings = Settings()
        for property in properties {
            let (name, value) = try parseKeyValue(property, option: "--property")
            switch name {
            case "parse.key": settings.parseKey = value.lowercased() == "true"
            case "key.separator":
                guard !value.isEmpty else { throw ValidationError("key.separator must not be empty.") }
                settings.keySeparator = value
            case "null.marker": settings.nullMarker = value
            default:
                throw ValidationError("Unknown --property '\(name)': use parse.key, key.separator or null.marker.")
            }
        }
        return settings
    }

    func validate() throws {
        _ = try settings()
        for header in headers { _ = try parseKeyValue(header, option: "--header") }
        guard CompressionCodec(name: compressionCodec) != nil else {
            throw ValidationError("--compression-codec must be none, gzip, snappy, lz4 or zstd, not '\(compressionCodec)'.")
        }
        guard Acks(name: acks) != nil else { throw ValidationError("--acks must be all, -1, 1 or 0, not '\(acks)'.") }
        if let partition, partition < 0 { throw ValidationError("--partition must not be negative.") }
    }

    func run() async throws {
        let settings = try settings()
        let recordHeaders = try headers.map { try parseKeyValue($0, option: "--header") }.map { KafkaHeader($0.0, $0.1) }
        var options = ProduceOptions(acks: Acks(name: acks)!, compression: CompressionCodec(name: compressionCodec)!)
        options.allowAutoTopicCreation = true
        try await runClientCommand("produce", connection: connection, clientId: "wharf-producer") { client in
            var lineNumber = 0
            for try await lines in StandardInputLines.stream() {
                var records: [ProducerRecord] = []
                var failure: String?
                for line in lines {
                    lineNumber += 1
                    guard let record = Self.record(line, settings: settings, headers: recordHeaders, partition: partition) else {
                        failure = "No key separator found on line number \(lineNumber): '\(line)'"
                        break
                    }
                    records.append(record)
                }
                try await client.produce(records, to: topic, options: options)
                if let failure { throw fail("produce", failure) }
            }
        }
    }

    static func record(_ line: String, settings: Settings, headers: [KafkaHeader], partition: Int32?) -> ProducerRecord? {
        func bytes(_ text: Substring) -> [UInt8]? { text == settings.nullMarker.map { Substring($0) } ? nil : Array(text.utf8) }
        guard settings.parseKey else {
            return ProducerRecord(key: nil, value: bytes(Substring(line)), headers: headers, partition: partition)
        }
        guard let range = line.range(of: settings.keySeparator) else { return nil }
        return ProducerRecord(key: bytes(line[..<range.lowerBound]), value: bytes(line[range.upperBound...]),
                              headers: headers, partition: partition)
    }
}

/// Standard input as batches of lines: every read's complete lines come out together, so
/// a pipe is sent in large batches and a terminal line by line. A last line without a
/// newline counts; "\r\n" endings lose the "\r".
enum StandardInputLines {
    static func stream() -> AsyncThrowingStream<[String], any Error> {
        AsyncThrowingStream(bufferingPolicy: .bufferingOldest(4)) { continuation in
            let thread = Thread {
                var pending: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let count = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                    if count < 0 {
                        if errno == EINTR { continue }
                        continuation.finish(throwing: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                        return
                    }
                    if count == 0 { break }
                    pending += chunk[0..<count]
                    guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                    let lines = split(pending[...lastNewline].dropLast())
                    pending.removeSubrange(...lastNewline)
                    // Wait while the producer is behind rather than reading ahead without bound.
                    while case .dropped = continuation.yield(lines) { usleep(1_000) }
                }
                if !pending.isEmpty { _ = continuation.yield(split(pending[...])) }
                continuation.finish()
            }
            thread.start()
        }
    }

    private static func split(_ bytes: ArraySlice<UInt8>) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
    }
}
