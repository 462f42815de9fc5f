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
        defer { try? FileManager.default.removeItem(at: outputPath) }

        let process = try ChildProcess(Self.python!, ["-u", Self.packageRoot.appendingPathComponent("Tests/e2e/\(name)").path] + arguments,
                                       stdin: .null, stdout: .file(outputPath.path), stderr: .stdout)

        // SIGTERM first (the script cleans up its tmux server on it), SIGKILL if it lingers.
        var timedOut = false
        if !process.wait(timeout: timeoutSeconds) {
            timedOut = true
            process.terminate()
            if !process.wait(timeout: 10) { process.kill() }
        }
        process.waitUntilExit()
        let text = (try? String(contentsOf: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, output: text, timedOut: timedOut)
    }

    func run() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try runBlocking()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }
}
