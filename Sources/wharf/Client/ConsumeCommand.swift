import ArgumentParser
import Glibc
import KafkaClient

/// `wharf consume`: kafka-console-consumer.sh, with a format string.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Print the records of a topic, one line each.",
        discussion: """
            Without --group it reads every partition (or --partition) from the end, or from \
            --from-beginning, --offset or --timestamp. With --group it joins that consumer \
            group, reads the partitions assigned to it from the group's committed offsets \
            (from the beginning or the end where there are none), and commits what it printed. \
            It stops after --max-messages records, after --timeout-ms without a record, or on \
            SIGINT/SIGTERM, and reports "Processed a total of N messages" on standard error.

            --format placeholders: %k key, %v value, %o offset, %p partition, %t timestamp \
            (ms), %T topic, %h headers (k:v,...), %% a percent sign; \\n \\t \\\\ escapes. \
            Every record ends with a newline. The default prints the value.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("topic"), help: "The topic to read.")
    var topic: String
    @Flag(name: .customLong("from-beginning"), help: "Start at the earliest offset (where the group has no offset).")
    var fromBeginning = false
    @Option(name: .customLong("offset"), help: "earliest, latest, or an offset (needs --partition).")
    var offset: String?
    @Option(name: .customLong("partition"), help: "Read only this partition.")
    var partition: Int32?
    @Option(name: .customLong("timestamp"), help: "Start at the first record at or after this time (ms since the epoch).")
    var timestamp: Int64?
    @Option(name: .customLong("group"), help: "Consume as a member of this consumer group.")
    var group: String?
    @Option(name: .customLong("max-messages"), help: "Stop after this many records.")
    var maxMessages: Int?
    @Option(name: .customLong("timeout-ms"), help: "Stop when no record arrives for this long.")
    var timeoutMs: Int?
    @Option(name: .customLong("format"), help: "How to print a record (see above); default %v.")
    var format: String?
    @Option(name: .customLong("isolation-level"), help: "read_uncommitted (default) or read_committed.")
    var isolationLevel = "read_uncommitted"

    enum Start: Equatable, Sendable {
        case earliest, latest, offset(Int64), timestamp(Int64)
    }

    func start() throws -> Start {
        let chosen = [fromBeginning, offset != nil, timestamp != nil].filter { $0 }.count
        guard chosen <= 1 else { throw ValidationError("Use only one of --from-beginning, --offset and --timestamp.") }
        if fromBeginning { return .earliest }
        if let timestamp { return .timestamp(timestamp) }
        switch offset?.lowercased() {
        case nil, "latest": return .latest
        case "earliest": return .earliest
        case let text?:
            guard let value = Int64(text), value >= 0 else {
                throw ValidationError("--offset must be earliest, latest or a non-negative offset, not '\(text)'.")
            }
            guard partition != nil else { throw ValidationError("--offset with an offset needs --partition.") }
            return .offset(value)
        }
    }

    func validate() throws {
        _ = try start()
        if group != nil {
            guard partition == nil, offset == nil, timestamp == nil else {
                throw ValidationError("--group reads the group's assignment: it takes no --partition, --offset or --timestamp.")
            }
        }
        if let partition, partition < 0 { throw ValidationError("--partition must not be negative.") }
        if let maxMessages, maxMessages < 1 { throw ValidationError("--max-messages must be at least 1.") }
        if let timeoutMs, timeoutMs < 0 { throw ValidationError("--timeout-ms must not be negative.") }
        if let format { do { _ = try RecordFormat(parsing: format) } catch { throw ValidationError(error.description) } }
        guard ["read_uncommitted", "read_committed"].contains(isolationLevel) else {
            throw ValidationError("--isolation-level must be read_uncommitted or read_committed.")
        }
    }

    func run() async throws {
        let recordFormat = try format.map { try RecordFormat(parsing: $0) } ?? .valueOnly
        let signals = SignalWaiter(ShutdownSignals())
        var fetchOptions = FetchOptions(maxWait: .milliseconds(min(500, max(timeoutMs ?? 500, 10))))
        fetchOptions.isolation = isolationLevel == "read_committed" ? .readCommitted : .readUncommitted
        let printer = RecordPrinter(format: recordFormat, maxMessages: maxMessages, timeoutMs: timeoutMs)
        let start = try start()
        let reader = Reader(topic: topic, partition: partition, group: group, fromBeginning: fromBeginning, start: start,
                            fetch: fetchOptions, printer: printer)
        try await runClientCommand("consume", connection: connection, clientId: "wharf-consumer") { client in
            defer { StandardStreams.writeError("Processed a total of \(printer.count) messages\n") }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await reader.run(client) }
                tasks.addTask {
                    _ = await signals.signals.wait()
                    throw CancellationError()
                }
                // The first to finish wins: the reader is done, or a signal stops it.
                do {
                    try await tasks.next()
                } catch is CancellationError {}
                tasks.cancelAll()
            }
        }
    }
}

/// The reading loop, apart from the command so it can run in a child task.
struct Reader: Sendable {
    let topic: String
    let partition: Int32?
    let group: String?
    let fromBeginning: Bool
    let start: ConsumeCommand.Start
    let fetch: FetchOptions
    let printer: RecordPrinter

    func run(_ client: KafkaClient) async throws {
        if let group {
            try await consumeAsGroup(client, group: group, fetch: fetch, printer: printer)
        } else {
            try await consumePartitions(client, start: start, fetch: fetch, printer: printer)
        }
    }

    private func consumePartitions(_ client: KafkaClient, start: ConsumeCommand.Start, fetch: FetchOptions, printer: RecordPrinter) async throws {
        let metadata = try await client.topicMetadata(topic)
        var partitions = metadata.partitions.map { TopicAndPartition(topic, $0.partition) }
        if let partition {
            guard metadata.partitions.contains(where: { $0.partition == partition }) else {
                throw KafkaClientError.kafka(.unknownTopicOrPartition, context: "topic '\(topic)' partition \(partition)",
                                             message: "the topic has \(metadata.partitions.count) partitions")
            }
            partitions = [TopicAndPartition(topic, partition)]
        }
        var positions = try await startOffsets(client, partitions: partitions, start: start)
        // Where to go when an offset falls out of the log (retention deleted it).
        let resetTo: OffsetSpec = start == .earliest ? .earliest : .latest
        while !Task.isCancelled && !printer.isDone {
            let fetched = try await client.fetch(positions, options: fetch)
            var outOfRange: [TopicAndPartition] = []
            var records: [ConsumerRecord] = []
            var waitForMetadata = false
            for partition in partitions {
                guard let result = fetched[partition] else { continue }
                if let error = result.error {
                    if error.kafkaError == .offsetOutOfRange, case .offset = start {
                        throw error
                    } else if error.kafkaError == .offsetOutOfRange {
                        outOfRange.append(partition)
                    } else if !error.isRetriable {
                        throw error
                    } else {
                        waitForMetadata = true
                    }
                    continue
                }
                records += result.records
                positions[partition] = result.nextOffset
            }
            printer.print(records)
            if waitForMetadata && records.isEmpty {
                // A leader moved or is down: give the cluster a moment before asking again.
                try? await Task.sleep(for: client.configuration.retryBackoff)
            }
            if !outOfRange.isEmpty {
                let listed = try await client.listOffsets(Dictionary(uniqueKeysWithValues: outOfRange.map { ($0, resetTo) }))
                for partition in outOfRange { positions[partition] = listed[partition]?.offset ?? 0 }
            }
        }
    }

    private func startOffsets(_ client: KafkaClient, partitions: [TopicAndPartition],
                              start: ConsumeCommand.Start) async throws -> [TopicAndPartition: Int64] {
        let spec: OffsetSpec
        switch start {
        case .offset(let offset): return Dictionary(uniqueKeysWithValues: partitions.map { ($0, offset) })
        case .earliest: spec = .earliest
        case .latest: spec = .latest
        case .timestamp(let ms): spec = .timestamp(ms)
        }
        let listed = try await client.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, spec) }))
        var positions: [TopicAndPartition: Int64] = [:]
        var pastTheEnd: [TopicAndPartition] = []
        for partition in partitions {
            if let offset = listed[partition]?.offset { positions[partition] = offset } else { pastTheEnd.append(partition) }
        }
        // No record at or after the timestamp: start at the end.
        if !pastTheEnd.isEmpty {
            let ends = try await client.listOffsets(Dictionary(uniqueKeysWithValues: pastTheEnd.map { ($0, .latest) }))
            for partition in pastTheEnd { positions[partition] = ends[partition]?.offset ?? 0 }
        }
        return positions
    }

    private func consumeAsGroup(_ client: KafkaClient, group: String, fetch: FetchOptions, printer: RecordPrinter) async throws {
        var options = GroupConsumerOptions(autoOffsetReset: fromBeginning ? .earliest : .latest)
        options.fetch = fetch
        let consumer = GroupConsumer(client: client, groupId: group, topics: [topic], options: options)
        let clock = ContinuousClock()
        var lastCommit = clock.now
        do {
            while !Task.isCancelled && !printer.isDone {
                let records = try await consumer.poll(maxRecords: printer.remaining ?? 500)
                printer.print(records)
                if !records.isEmpty, clock.now - lastCommit > .seconds(1) {
                    try await consumer.commit()
                    lastCommit = clock.now
                }
            }
        } catch {
            await consumer.stop(commit: false)
            throw error
        }
        // Commit what was printed and leave, even when cancelled by a signal.
        await Task.detached { await consumer.stop(commit: true) }.value
    }
}

/// Prints records and keeps count; knows when --max-messages or --timeout-ms says stop.
final class RecordPrinter: @unchecked Sendable {
    private let format: RecordFormat
    private let maxMessages: Int?
    private let timeout: Duration?
    private let clock = ContinuousClock()
    private var lastRecordAt: ContinuousClock.Instant
    private(set) var count = 0

    init(format: RecordFormat, maxMessages: Int?, timeoutMs: Int?) {
        self.format = format
        self.maxMessages = maxMessages
        self.timeout = timeoutMs.map { .milliseconds($0) }
        self.lastRecordAt = clock.now
    }

    var remaining: Int? { maxMessages.map { max($0 - count, 0) } }

    var isDone: Bool {
        if let remaining, remaining == 0 { return true }
        if let timeout, clock.now - lastRecordAt >= timeout { return true }
        return false
    }

    /// Prints up to the --max-messages limit, partitions in order, offsets in order.
    func print(_ records: [ConsumerRecord]) {
        guard !records.isEmpty else { return }
        var out: [UInt8] = []
        let sorted = records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        for record in sorted.prefix(remaining ?? Int.max) {
            format.render(record, into: &out)
            count += 1
        }
        StandardStreams.write(out)
        lastRecordAt = clock.now
    }
}

/// Hands `ShutdownSignals` to the one child task that waits on it.
private final class SignalWaiter: @unchecked Sendable {
    let signals: ShutdownSignals
    init(_ signals: ShutdownSignals) { self.signals = signals }
}
