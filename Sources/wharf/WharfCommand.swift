import ArgumentParser

@main
struct WharfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A Kafka-compatible event-streaming broker and its terminal console.",
        discussion: """
            `wharf` alone (or `wharf console`) runs an in-process cluster and shows it in a \
            full-screen console; `wharf serve` runs it without one, behind the Kafka wire \
            protocol; `wharf topics`, `produce`, `consume` and `groups` talk to any Kafka \
            cluster; `wharf dump-log` prints Kafka segment files.
            """,
        version: "0.1.0",
        subcommands: [ConsoleCommand.self, DumpLogCommand.self, ServeCommand.self,
                      TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, GroupsCommand.self],
        defaultSubcommand: ConsoleCommand.self
    )
}
