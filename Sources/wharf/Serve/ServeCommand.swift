import ArgumentParser
import BrokerEngine
import Glibc
import KafkaServer
import Logging

/// `wharf serve`: runs the in-process cluster and serves the Kafka protocol, one listener
/// per broker, until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run an in-process cluster and serve the Kafka protocol to clients.",
        discussion: """
            Broker N listens on --listen-address at --port + N - 1, and a line \
            "broker <id> listening on <host>:<port>" is printed to standard output for each \
            broker once all are ready. Logs go to standard error. SIGINT or SIGTERM stops the \
            brokers cleanly. Only one process may serve a data directory at a time.
            """
    )

    @Option(name: .customLong("data-dir"), help: "Directory holding the cluster's metadata and logs.")
    var dataDirectory = "./wharf-data"

    @Option(help: "Port of broker 1; broker N listens on port + N - 1. 0 picks free ports.")
    var port = 9092

    @Option(help: "How many brokers to run (ids 1…N).")
    var brokers = 3

    @Option(name: .customLong("listen-address"), help: "Address to listen on.")
    var listenAddress = "127.0.0.1"

    @Option(name: .customLong("log-level"),
            help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (1...64).contains(brokers) else { throw ValidationError("--brokers must be between 1 and 64.") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard port == 0 || port + brokers - 1 <= 65_535 else {
            throw ValidationError("--port \(port) leaves no room for \(brokers) brokers below 65536.")
        }
        guard !listenAddress.isEmpty else { throw ValidationError("--listen-address must not be empty.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "wharf.serve")
        let signals = ShutdownSignals()

        let lock: DataDirectoryLock
        do { lock = try DataDirectoryLock.acquire(dataDirectory: dataDirectory) } catch { throw fail("\(error)") }
        defer { lock.release() }

        var options = ClusterOptions(dataDirectory: dataDirectory)
        options.brokerCount = brokers
        let cluster: Cluster
        do { cluster = try Cluster(options: options, logger: Logger(label: "wharf.cluster")) } catch {
            throw fail("cannot open the cluster in \(dataDirectory): \(error)")
        }

        var serverConfiguration = KafkaServerConfiguration(brokerIds: cluster.runningBrokerIds)
        serverConfiguration.listenAddress = listenAddress
        serverConfiguration.basePort = port
        let server: KafkaServer
        do {
            server = try await KafkaServer.serve(cluster: cluster, configuration: serverConfiguration,
                                                 logger: Logger(label: "wharf.server"))
        } catch {
            cluster.shutdown()
            throw fail("\(error)")
        }
        for (brokerId, listener) in server.advertisedListeners.sorted(by: { $0.key < $1.key }) {
            printLine("broker \(brokerId) listening on \(listenAddress):\(listener.port)")
        }

        let signal = await signals.wait()
        logger.info("Received \(ShutdownSignals.name(signal)), shutting down")
        await server.shutdown()
        cluster.shutdown()
        logger.info("Stopped")
    }

    /// Reports `message` on standard error; the returned error exits with status 1.
    private func fail(_ message: String) -> ExitCode {
        writeLine("wharf serve: \(message)", to: 2)
        return ExitCode.failure
    }

    /// A line on standard output, written through at once: scripts wait for it.
    private func printLine(_ text: String) {
        fflush(nil)
        writeLine(text, to: 1)
    }

    private func writeLine(_ text: String, to descriptor: Int32) {
        let line = text + "\n"
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
    }
}
