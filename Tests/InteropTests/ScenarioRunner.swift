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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = ["-u", Self.interopDirectory.appendingPathComponent(script).path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.interopDirectory.path
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try ProcessLaunch.run(process)

        let deadline = DispatchTime.now() + timeoutSeconds
        var timedOut = false
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: deadline, execute: watchdog)

        var log: [String] = [], notes: [String] = []
        var pending = Data()
        let reader = stdout.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("@") {
                    let command = String(line.dropFirst())
                    if command.hasPrefix("note ") { notes.append(String(command.dropFirst(5))) }
                    let reply = command.hasPrefix("note ") ? "ok" : onCommand(command)
                    log.append("[harness] \(command) → \(reply)")
                    stdin.fileHandleForWriting.write(Data((reply + "\n").utf8))
                } else {
                    log.append(line)
                }
            }
        }
        process.waitUntilExit()
        watchdog.cancel()
        if process.terminationReason == .uncaughtSignal { timedOut = true }
        return Outcome(status: process.terminationStatus, log: log, notes: notes, timedOut: timedOut)
    }

    func run() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try runBlocking()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }
}
