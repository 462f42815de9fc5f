import Foundation
import Glibc
import WharfTestSupport

/// `wharf serve --port 0` on a temporary data directory, for the client commands to talk
/// to; `stop()` sends SIGTERM and waits. Dropping it kills the server (RunningWharf's deinit).
final class ServedWharf {
    let directory: TemporaryDirectory
    let process: RunningWharf
    /// `host:port` of broker 1.
    let bootstrap: String

    init(brokers: Int = 3) throws {
        directory = try TemporaryDirectory()
        process = try RunningWharf(["serve", "--port", "0", "--brokers", "\(brokers)", "--data-dir", directory.path("data")])
        let lines = try process.waitForLines(brokers, timeout: 90)
        guard let first = lines.first, let address = first.split(separator: " ").last else {
            throw RunningWharf.Timeout(what: "a listening line", stderr: process.stderr)
        }
        bootstrap = String(address)
    }

    /// Runs `wharf <arguments> --bootstrap-server <broker 1>`, feeding `input` to standard input.
    func run(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 60) throws -> WharfBinary.Result {
        try ClientCLI.run(arguments + ["--bootstrap-server", bootstrap], input: input, timeout: timeout)
    }

    func stop() {
        process.send(SIGTERM)
        _ = process.waitForExit(timeout: 30)
    }
}

enum ClientCLI {
    /// Like `WharfBinary.run`, with standard input fed from `input` (closed at its end).
    static func run(_ arguments: [String], input: String?, timeout: TimeInterval = 60) throws -> WharfBinary.Result {
        let process = try ChildProcess(WharfBinary.url.path, arguments, stdin: .data(Data((input ?? "").utf8)),
                                       stdout: .pipe, stderr: .pipe)
        if !process.wait(timeout: timeout) {
            process.terminate()
            process.kill()
        }
        process.waitUntilExit()
        return WharfBinary.Result(status: process.terminationStatus, stdout: process.stdoutText, stderr: process.stderrText)
    }
}
