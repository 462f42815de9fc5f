import ArgumentParser

@main
struct WharfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A Kafka-compatible event-streaming broker and its terminal console.",
        discussion: """
            `wharf serve` runs an in-process cluster behind the Kafka wire protocol; \
            `wharf dump-log` prints Kafka segment files. The console comes later.
            """,
        version: "0.1.0",
        subcommands: [DumpLogCommand.self, ServeCommand.self,
                      TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, GroupsCommand.self]
    )
}
