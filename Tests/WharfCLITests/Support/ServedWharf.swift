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
        let process = Process()
        process.executableURL = WharfBinary.url
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try ProcessLaunch.run(process)
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let writer = stdin.fileHandleForWriting
        DispatchQueue.global().async {
            if let input { try? writer.write(contentsOf: Data(input.utf8)) }
            try? writer.close()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        group.wait()
        return WharfBinary.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                  stderr: String(decoding: errData, as: UTF8.self))
    }
}
