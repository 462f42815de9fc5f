import Foundation
import Glibc
import Testing
import WharfTestSupport

/// The real binary in a real terminal: `wharf console` in a detached tmux session on a
/// private socket, driven with `send-keys` and read with `capture-pane`. Every wait is
/// bounded; the session is killed whatever happens.
@Suite(.serialized, .enabled(if: Tmux.isInstalled, "tmux is not installed (CI installs it: scripts/install-deps.sh)"))
struct TmuxSmokeTests {
    @Test func consoleStartsNavigatesAndQuitsCleanly() throws {
        let directory = try TemporaryDirectory()
        let tmux = try Tmux(size: "100x30", command: [Tmux.wharf, "console", "--data-dir", directory.path("data"), "--port", "0"],
                            directory: directory, environment: ["LANG": "C.UTF-8"])
        defer { tmux.kill() }

        let start = try tmux.waitForScreen(timeout: 60) { $0.contains("brokers 3/3") }
        #expect(start.contains("┌ Topics"), "the console opens on the topics:\n\(start)")

        tmux.type(":brokers")
        tmux.press("Enter")
        let brokers = try tmux.waitForScreen(timeout: 10) { $0.contains("┌ Brokers") }
        #expect(brokers.contains("ID STATE"))

        tmux.type(":topics")
        tmux.press("Enter")
        let topics = try tmux.waitForScreen(timeout: 10) { $0.contains("┌ Topics") && $0.contains("__consumer_offsets") }
        #expect(topics.contains("NAME"))
        #expect(!topics.contains("wharf.cluster") && !topics.contains(" info "), "no log line on the screen:\n\(topics)")

        tmux.type("q")
        _ = try tmux.waitForScreen(timeout: 10) { $0.contains("Quit Wharf") }
        tmux.type("y")
        let status = try tmux.waitForExitStatus(timeout: 60)
        #expect(status == "0")
        let log = try String(contentsOfFile: directory.path("data/wharf.log"), encoding: .utf8)
        #expect(log.contains("Console stopped"))
    }

    @Test func demoMovesAndCtrlCQuitsOnAnASCIITerminal() throws {
        let directory = try TemporaryDirectory()
        let tmux = try Tmux(size: "80x24", command: [Tmux.wharf, "console", "--data-dir", directory.path("data"), "--port", "0",
                                                    "--brokers", "1", "--demo"],
                            directory: directory, environment: ["LC_ALL": "C", "NO_COLOR": "1"])
        defer { tmux.kill() }

        let start = try tmux.waitForScreen(timeout: 60) { $0.contains("brokers 1/1") && $0.contains("orders") }
        #expect(start.contains("+ Topics"), "a C locale draws with ASCII:\n\(start)")
        tmux.type(":groups")
        tmux.press("Enter")
        let groups = try tmux.waitForScreen(timeout: 20) { $0.contains("billing") && $0.contains("analytics") }
        #expect(groups.contains("+ Groups"))
        tmux.press("C-c")
        #expect(try tmux.waitForExitStatus(timeout: 60) == "0")
    }
}

/// A detached tmux session on a private socket running one command. `remain-on-exit`
/// keeps the pane after the command ends, so its exit status can be read; cleanup kills
/// the command and the server by pid if they are still there.
final class Tmux {
    static var isInstalled: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `.build/<config>/wharf`, beside the test bundle.
    static var wharf: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [beside, beside.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("wharf").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/wharf").path
    }

    struct Timeout: Error, CustomStringConvertible {
        let what: String
        let screen: String
        var description: String { "timed out waiting for \(what); the screen:\n\(screen)" }
    }

    let socket = "wharf-test-\(UUID().uuidString.prefix(8))"
    private let config: String
    private let statusFile: String
    /// The pane's shell, leader of the process group wharf runs in.
    private var panePid: Int32?
    private var serverPid: Int32?
    private var socketPath: String?

    /// Runs `command` under `sh`, which writes its exit status to a file when it ends
    /// (tmux 3.3's `pane_dead_status` is not always set).
    init(size: String, command: [String], directory: TemporaryDirectory, environment: [String: String]) throws {
        config = directory.path("tmux.conf")
        statusFile = directory.path("exit-status")
        try "set -g remain-on-exit on\nset -g status off\n".write(toFile: config, atomically: true, encoding: .utf8)
        let dimensions = size.split(separator: "x").map(String.init)
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let script = (["env"] + exports + command).map(Self.quote).joined(separator: " ") + "; echo $? > " + Self.quote(statusFile)
        try startServer(["new-session", "-d", "-s", "main", "-x", dimensions[0], "-y", dimensions[1], "sh", "-c", script])
        let fields = try run(["display-message", "-p", "-t", "main", "#{pane_pid} #{pid} #{socket_path}"])
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 2).map(String.init)
        panePid = fields.first.flatMap { Int32($0) }
        serverPid = fields.dropFirst().first.flatMap { Int32($0) }
        socketPath = fields.dropFirst(2).first
    }

    func kill() {
        if let panePid, exitStatus() == nil { Glibc.kill(-panePid, SIGKILL) }
        _ = try? run(["kill-server"])
        if let serverPid {
            let deadline = Date().addingTimeInterval(2)
            while Glibc.kill(serverPid, 0) == 0, Date() < deadline { usleep(20_000) }
            if Glibc.kill(serverPid, 0) == 0 { Glibc.kill(serverPid, SIGKILL) }
        }
        if let socketPath { unlink(socketPath) }
    }

    func type(_ text: String) { _ = try? run(["send-keys", "-t", "main", "-l", text]) }
    func press(_ key: String) { _ = try? run(["send-keys", "-t", "main", key]) }

    func capture() -> String { (try? run(["capture-pane", "-p", "-t", "main"])) ?? "" }

    func waitForScreen(timeout: TimeInterval, until condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let screen = capture()
            if condition(screen) { return screen }
            guard Date() < deadline else { throw Timeout(what: "the screen", screen: screen) }
            usleep(100_000)
        }
    }

    /// The command's exit status once it has exited, else nil.
    func exitStatus() -> String? {
        guard let text = try? String(contentsOfFile: statusFile, encoding: .utf8), text.hasSuffix("\n") else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func waitForExitStatus(timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exitStatus() { return status }
            usleep(100_000)
        }
        throw Timeout(what: "wharf to exit", screen: capture())
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let client = try ChildProcess("/usr/bin/env", ["tmux", "-u", "-f", config, "-L", socket] + arguments,
                                      stdin: .null, stdout: .pipe, stderr: .null)
        client.waitUntilExit()
        return client.stdoutText
    }

    private static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The first command starts the server, which daemonizes keeping the descriptors it
    /// inherited; a pipe there would stay open after the client exits. So the client gets
    /// /dev/null for standard input, output and error, and only the client is waited for.
    private func startServer(_ arguments: [String]) throws {
        let client = try ChildProcess("/usr/bin/env", ["tmux", "-u", "-f", config, "-L", socket] + arguments,
                                      stdin: .null, stdout: .null, stderr: .null)
        client.waitUntilExit()
    }
}

/// A temporary directory removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
