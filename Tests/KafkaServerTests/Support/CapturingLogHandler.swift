import Logging
import NIOConcurrencyHelpers

/// Keeps log messages so tests can check what the server reported.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let entries = NIOLockedValueBox([(level: Logger.Level, message: String, metadata: Logger.Metadata)]())

        func messages(atLeast level: Logger.Level) -> [String] {
            entries.withLockedValue { $0.filter { $0.level >= level }.map(\.message) }
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.entries.withLockedValue { $0.append((event.level, event.message.description, merged)) }
    }

    /// A logger writing into a new store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "test") { _ in CapturingLogHandler(store: store) }, store)
    }
}
