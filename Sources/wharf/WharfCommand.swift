import ArgumentParser

@main
struct WharfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A Kafka-compatible event-streaming broker and its terminal console.",
        discussion: """
            This build contains the storage layer: Kafka-compatible segment files and the \
            dump-log tool. The embedded cluster, the wire server and the console come later.
            """,
        version: "0.1.0",
        subcommands: [DumpLogCommand.self, ServeCommand.self,
                      TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, GroupsCommand.self]
    )
}
