import ArgumentParser

/// `wharf dump-log`: Kafka's `kafka-dump-log.sh` for Wharf's (and any Kafka's) segment files.
struct DumpLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-log",
        abstract: "Print the contents of .log, .index, .timeindex and .snapshot files.",
        discussion: """
            Output has the shape of Apache Kafka's kafka-dump-log.sh, so the same reading habits \
            and scripts work. Files written by any Kafka can be dumped.
            """
    )

    @Flag(name: .customLong("print-data-log"), help: "Print every record's key and payload too.")
    var printDataLog = false

    @Flag(name: .customLong("verify-index-only"), help: "Check index entries against the log; print only problems.")
    var verifyIndexOnly = false

    @Flag(name: .customLong("index-sanity-check"), help: "Only run the index sanity check used at start-up.")
    var indexSanityCheck = false

    @Option(name: .customLong("max-bytes"), help: "Read at most this many bytes of each .log file.")
    var maxBytes: Int = Int.max

    @Option(name: .customLong("max-message-bytes"), help: "Largest batch to expect (max.message.bytes).")
    var maxMessageBytes: Int = 1_048_588

    @Argument(help: "Files to dump (.log, .index, .timeindex, .snapshot).")
    var files: [String] = []

    /// Kafka's `--files` spelling, for scripts written against kafka-dump-log.sh.
    @Option(name: .customLong("files"), parsing: .upToNextOption, help: .hidden)
    var filesOption: [String] = []

    func validate() throws {
        if files.isEmpty && filesOption.isEmpty { throw ValidationError("Name at least one segment file.") }
        if maxBytes <= 0 { throw ValidationError("--max-bytes must be positive.") }
        if maxMessageBytes <= 0 { throw ValidationError("--max-message-bytes must be positive.") }
    }

    func run() throws {
        let output = DumpOutput.standardStreams()
        let failed = SegmentDump(
            output: output, printDataLog: printDataLog, verifyIndexOnly: verifyIndexOnly,
            indexSanityCheck: indexSanityCheck, maxBytes: maxBytes, maxMessageBytes: maxMessageBytes
        ).run(files: files + filesOption)
        if failed { throw ExitCode.failure }
    }
}

/// Runs the dump for a list of files; returns whether any file could not be read.
struct SegmentDump {
    let output: DumpOutput
    let printDataLog: Bool
    let verifyIndexOnly: Bool
    let indexSanityCheck: Bool
    let maxBytes: Int
    let maxMessageBytes: Int

    func run(files: [String]) -> Bool {
        var failed = false
        for path in files {
            output.line("Dumping \(path)")
            do {
                let indexes = IndexDumper(
                    output: output, verifyOnly: verifyIndexOnly, sanityCheckOnly: indexSanityCheck,
                    maxMessageBytes: maxMessageBytes)
                switch path.split(separator: ".").last.map(String.init) {
                case "log":
                    try LogDumper(output: output, printRecords: printDataLog, maxBytes: maxBytes,
                                  maxDecompressedBytes: maxMessageBytes * 64).dump(path: path)
                case "index": try indexes.dumpOffsetIndex(path: path)
                case "timeindex": try indexes.dumpTimeIndex(path: path)
                case "snapshot": try SnapshotDumper(output: output).dump(path: path)
                default: output.error("Ignoring unknown file \(path)")
                }
            } catch {
                output.error("wharf dump-log: \(error)")
                failed = true
            }
        }
        return failed
    }
}
