import ArgumentParser

@main
struct WharfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A Kafka-compatible event-streaming broker and its terminal console."
    )
}
