import Foundation
import WharfTestSupport

/// Runs one Python scenario from Tests/e2e with the venv's interpreter and a hard time
/// limit. Its output goes to a file, not a pipe: the scenario starts a tmux server, and a
/// daemon that inherited a pipe would keep a reader waiting for EOF after the script ended.
struct E2EScript {
    struct Outcome {
        var status: Int32
        var output: String
        var timedOut: Bool
    }

    static var python: String? { ProcessInfo.processInfo.environment["WHARF_PYTHON"] }

    static var tmuxInstalled: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var canRun: Bool { python != nil && tmuxInstalled }

    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// `.build/<config>/wharf`, beside the test bundle (the test target depends on `wharf`,
    /// so `swift build --build-tests` builds it).
    static var wharfBinary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [beside, beside.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("wharf").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/wharf").path
    }

    let name: String
    let arguments: [String]
    let timeoutSeconds: Double

    /// Blocking: call from a dedicated thread (see `run()`), never from the cooperative pool.
    func runBlocking() throws -> Outcome {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-e2e-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: outputPath.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: outputPath.path])
        }
        defer { try? FileManager.default.removeItem(at: outputPath) }
        let output = try FileHandle(forWritingTo: outputPath)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = ["-u", Self.packageRoot.appendingPathComponent("Tests/e2e/\(name)").path] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try ProcessLaunch.run(process)

        // SIGTERM first (the script cleans up its tmux server on it), SIGKILL if it lingers.
        let timedOut = LockedFlag()
        let watchdog = DispatchWorkItem {
            guard process.isRunning else { return }
            timedOut.set()
            process.terminate()
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        let text = (try? String(contentsOf: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, output: text, timedOut: timedOut.isSet)
    }

    func run() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try runBlocking()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }
}

/// A flag set from the watchdog's queue and read after the process exited.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
