import Foundation
import WharfTestSupport

/// Runs one Python scenario from Tests/interop against a cluster, answering its "@" requests
/// (stop-broker N, start-broker N, note …) on its stdin, with a hard time limit.
struct ScenarioRunner {
    struct Outcome {
        var status: Int32
        var log: [String]
        var notes: [String]
        var timedOut: Bool
    }

    static var python: String? { ProcessInfo.processInfo.environment["WHARF_PYTHON"] }

    static var interopDirectory: URL {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Tests/interop")
    }

    let script: String
    let arguments: [String]
    let timeoutSeconds: Double
    /// Runs a harness command; returns "ok" or an error text for the scenario.
    let onCommand: @Sendable (String) -> String

    /// Blocking: call from a dedicated thread (see `run()`), never from the cooperative pool.
    func runBlocking() throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.interopDirectory.path
        let process = try ChildProcess(Self.python!, ["-u", Self.interopDirectory.appendingPathComponent(script).path] + arguments,
                                       environment: environment, stdin: .pipe, stdout: .pipe, stderr: .stdout)

        // The time limit: SIGTERM (and SIGKILL if that is ignored for 10 s). Its wait also
        // ends the output once the script exited, so the reading loop below ends.
        let timeoutSeconds = self.timeoutSeconds
        Thread.detachNewThread {
            if !process.wait(timeout: timeoutSeconds) {
                process.terminate()
                if !process.wait(timeout: 10) { process.kill() }
            }
        }

        var log: [String] = [], notes: [String] = []
        var pending = Data()
        var consumed = 0
        while let chunk = process.readStdout(from: consumed) {
            consumed += chunk.count
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("@") {
                    let command = String(line.dropFirst())
                    if command.hasPrefix("note ") { notes.append(String(command.dropFirst(5))) }
                    let reply = command.hasPrefix("note ") ? "ok" : onCommand(command)
                    log.append("[harness] \(command) → \(reply)")
                    try? process.writeInput(Data((reply + "\n").utf8))
                } else {
                    log.append(line)
                }
            }
        }
        process.waitUntilExit()
        process.closeInput()
        return Outcome(status: process.terminationStatus, log: log, notes: notes, timedOut: process.terminatedBySignal)
    }

    func run() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try runBlocking()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }
}
