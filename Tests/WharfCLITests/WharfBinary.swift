import Foundation
import WharfTestSupport

/// Runs the real `wharf` binary built beside the test bundle, as a user would.
enum WharfBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    }

    /// `.build/<config>/wharf`: the test bundle lives in the same directory.
    static var url: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("wharf")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/wharf")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs with a bounded wait: a hung binary is killed and reported, never waited on forever.
    static func run(_ arguments: [String], timeout: TimeInterval = 30) throws -> Result {
        // Both pipes are drained while it runs, so a large dump can't block on a full pipe.
        let process = try ChildProcess(url.path, arguments, stdout: .pipe, stderr: .pipe)
        if !process.wait(timeout: timeout) {
            process.terminate()
            process.kill()
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: process.stdoutText, stderr: process.stderrText)
    }
}

/// A temporary directory removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
