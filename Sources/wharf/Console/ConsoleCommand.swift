import ArgumentParser
import BrokerEngine
import Console
import Foundation
import Glibc
import KafkaServer
import Logging

/// `wharf console` (and bare `wharf`): runs the in-process cluster with its Kafka listeners
/// open on 127.0.0.1 and takes the terminal to show it. Quitting stops the listeners and the
/// cluster cleanly.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Run the in-process cluster and watch it in a full-screen console (the default command).",
        discussion: """
            Kafka clients can connect while the console is on screen: broker N listens on \
            127.0.0.1 at --port + N - 1 (the header shows where). Logs go to <data-dir>/wharf.log, \
            never to the screen. Keys: arrows or hjkl, Enter drills in, Esc goes back, / filters, \
            : opens the command palette, ? shows every key, q quits (after asking). \
            NO_COLOR turns colours off; a non-UTF-8 locale (or --ascii) draws with ASCII.
            """
    )

    @Option(name: .customLong("data-dir"),
            help: "Directory holding the cluster's metadata and logs (default: $XDG_DATA_HOME/wharf or ~/.local/share/wharf).")
    var dataDirectory: String?

    @Option(help: "Port of broker 1; broker N listens on port + N - 1. 0 picks free ports.")
    var port = 9092

    @Option(help: "How many brokers to run (ids 1…N).")
    var brokers = 3

    @Flag(help: "Create demo topics and run a small producer and consumer groups, so rates and lag move.")
    var demo = false

    @Flag(name: .customLong("read-only"), help: "Refuse every action that changes the cluster (stop broker, create or delete topics).")
    var readOnly = false

    @Flag(help: "Draw with ASCII only (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (1...64).contains(brokers) else { throw ValidationError("--brokers must be between 1 and 64.") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard port == 0 || port + brokers - 1 <= 65_535 else {
            throw ValidationError("--port \(port) leaves no room for \(brokers) brokers below 65536.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    /// `$XDG_DATA_HOME/wharf` when XDG_DATA_HOME is an absolute path (the XDG spec ignores
    /// relative ones), else `~/.local/share/wharf`.
    static func defaultDataDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/wharf" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/wharf"
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let dataDirectory = self.dataDirectory ?? Self.defaultDataDirectory(environment: environment)
        // Before anything starts: without a terminal ncurses would spin (SWIFT-NOTES §1).
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw fail("the console needs a terminal; run `wharf serve` to run the cluster without one")
        }
        let lock: DataDirectoryLock
        do { lock = try DataDirectoryLock.acquire(dataDirectory: dataDirectory) } catch { throw fail("\(error)") }
        defer { lock.release() }

        let logPath = dataDirectory + "/wharf.log"
        let logFile: FileLogHandler.LogFile
        do { logFile = try FileLogHandler.LogFile(path: logPath) } catch { throw fail("cannot open \(logPath): \(error)") }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { FileLogHandler(label: $0, file: logFile, level: level) }
        let logger = Logger(label: "wharf.console")
        // Anything else written to standard error (runtime warnings, a library's print)
        // would land on the screen: send it to the log while the console runs.
        let savedStandardError = dup(2)
        dup2(logFile.descriptor, 2)
        defer {
            dup2(savedStandardError, 2)
            close(savedStandardError)
        }

        var options = ClusterOptions(dataDirectory: dataDirectory)
        options.brokerCount = brokers
        let cluster: Cluster
        do { cluster = try Cluster(options: options, logger: Logger(label: "wharf.cluster")) } catch {
            throw fail("cannot open the cluster in \(dataDirectory): \(error)", restoring: savedStandardError)
        }
        var serverConfiguration = KafkaServerConfiguration(brokerIds: cluster.runningBrokerIds)
        serverConfiguration.basePort = port
        let server: KafkaServer
        do {
            server = try await KafkaServer.serve(cluster: cluster, configuration: serverConfiguration,
                                                 logger: Logger(label: "wharf.server"))
        } catch {
            cluster.shutdown()
            throw fail("cannot open the Kafka listeners: \(error)", restoring: savedStandardError)
        }
        let listeners = Self.describe(server.advertisedListeners)
        logger.info("Console started on \(dataDirectory); clients connect to \(listeners)")
        let workload = demo ? DemoWorkload(cluster: cluster, logger: Logger(label: "wharf.demo")) : nil
        workload?.start()

        var consoleOptions = ConsoleOptions()
        consoleOptions.readOnly = readOnly
        consoleOptions.theme = Theme.forEnvironment(environment)
        consoleOptions.listeners = listeners
        let preferASCII = ascii
        let backend = EmbeddedBackend(cluster: cluster)
        // The drawing loop blocks its thread between keys, so it runs on the main thread,
        // away from the cooperative pool that the bridge and the demo use.
        let outcome: Result<Int32?, Terminal.OpenError> = await MainActor.run {
            let charset = Terminal.prepareLocale()
            consoleOptions.glyphs = Glyphs.forCharset(preferASCII ? .ascii : charset)
            let terminal: Terminal
            do throws(Terminal.OpenError) {
                terminal = try Terminal(charset: consoleOptions.glyphs.charset, colors: consoleOptions.theme.usesColor)
            } catch {
                return .failure(error)
            }
            let app = ConsoleApp(backend: backend, options: consoleOptions)
            app.run(on: terminal)
            terminal.close()
            return .success(terminal.interruption)
        }

        if case .success(let signal?) = outcome { logger.info("Received signal \(signal), shutting down") }
        await workload?.stop()
        await server.shutdown()
        cluster.shutdown()
        logger.info("Console stopped")
        if case .failure(let error) = outcome { throw fail("\(error)", restoring: savedStandardError) }
        print("Wharf stopped. Data: \(dataDirectory)  Log: \(logPath)")
    }

    /// `127.0.0.1:9092-9094`, or the ports listed when they are not consecutive.
    static func describe(_ listeners: [Int32: (host: String, port: Int)]) -> String {
        let sorted = listeners.sorted { $0.key < $1.key }
        guard let first = sorted.first else { return "no listeners" }
        let ports = sorted.map(\.value.port)
        let consecutive = zip(ports, ports.dropFirst()).allSatisfy { $1 == $0 + 1 }
        if ports.count == 1 { return "\(first.value.host):\(ports[0])" }
        if consecutive { return "\(first.value.host):\(ports[0])-\(ports[ports.count - 1])" }
        return "\(first.value.host):" + ports.map(String.init).joined(separator: ",")
    }

    /// Reports `message` on the real standard error; the returned error exits with status 1.
    private func fail(_ message: String, restoring descriptor: Int32? = nil) -> ExitCode {
        let line = "wharf console: \(message)\n"
        let target = descriptor ?? 2
        _ = line.withCString { write(target, $0, strlen($0)) }
        return ExitCode.failure
    }
}
