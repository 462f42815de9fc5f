import ArgumentParser
import Glibc
import KafkaClient

/// `--bootstrap-server`, shared by every command that talks to a cluster.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("b"), .customLong("bootstrap-server")],
            help: "Brokers to bootstrap from, host:port[,host:port...].")
    var bootstrapServer = "127.0.0.1:9092"

    @Option(name: .customLong("request-timeout-ms"), help: "How long to wait for any broker answer.")
    var requestTimeoutMs = 30_000

    func validate() throws {
        do { _ = try BrokerAddress.parseList(bootstrapServer) } catch { throw ValidationError("\(error)") }
        guard requestTimeoutMs > 0 else { throw ValidationError("--request-timeout-ms must be positive.") }
    }

    func makeClient(clientId: String = "wharf") throws -> KafkaClient {
        var configuration = try KafkaClientConfiguration(bootstrap: bootstrapServer)
        configuration.clientId = clientId
        configuration.requestTimeout = .milliseconds(requestTimeoutMs)
        configuration.connectTimeout = .milliseconds(min(requestTimeoutMs, 10_000))
        return KafkaClient(configuration: configuration)
    }
}

/// Runs a client command: errors go to standard error as `wharf <command>: <cause>` and
/// exit with status 1; the client is always closed.
func runClientCommand(_ name: String, connection: ConnectionOptions, clientId: String = "wharf",
                      _ body: (KafkaClient) async throws -> Void) async throws {
    let client: KafkaClient
    do { client = try connection.makeClient(clientId: clientId) } catch { throw fail(name, "\(error)") }
    do {
        try await body(client)
        await client.close()
    } catch let exit as ExitCode {
        await client.close()
        throw exit
    } catch {
        await client.close()
        throw fail(name, "\(error)")
    }
}

/// Reports `message` on standard error; the returned error exits with status 1.
func fail(_ command: String, _ message: String) -> ExitCode {
    StandardStreams.writeError("wharf \(command): \(message)\n")
    return ExitCode.failure
}

/// Unbuffered writes to the standard streams: output reaches a pipe as it is produced,
/// and nothing is lost when the process exits on a signal.
enum StandardStreams {
    static func write(_ text: String) { write(text, to: 1) }
    static func writeError(_ text: String) { write(text, to: 2) }

    static func write(_ bytes: [UInt8], to descriptor: Int32 = 1) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    private static func write(_ text: String, to descriptor: Int32) { write(Array(text.utf8), to: descriptor) }
}

/// Left-aligned columns separated by a space, widths from the widest cell, the last column
/// unpadded (kafka-consumer-groups.sh's layout).
func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.indices.map { column in
            column == row.count - 1 ? row[column] : row[column].padding(to: widths[column])
        }.joined(separator: " ")
    }.joined(separator: "\n") + "\n"
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// `k=v` → ("k", "v"); the value may hold further `=`.
func parseKeyValue(_ text: String, option: String) throws -> (String, String) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw ValidationError("\(option) takes key=value, got '\(text)'.")
    }
    return (String(text[..<equals]), String(text[text.index(after: equals)...]))
}
