import Foundation
import Glibc

/// A detached tmux session on a private socket, for the idle-CPU measurement. tmux is run
/// through `posix_spawn`/`popen`, never Foundation's `Process`: the first command starts
/// the tmux server, which daemonizes keeping the descriptors it inherited, and `Process`
/// then waits for the server instead of the client (see Tests/ConsoleTests/TmuxSmokeTests).
final class TmuxSession {
    let socket = "wharf-bench-\(getpid())"
    private let config: String

    static var isInstalled: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `command` (run directly, no shell) in a `columns`×`rows` session.
    init(columns: Int, rows: Int, command: [String], directory: String) throws {
        config = directory + "/tmux.conf"
        try "set -g status off\n".write(toFile: config, atomically: true, encoding: .utf8)
        let status = spawnAndWait(tmuxArguments(["new-session", "-d", "-s", "bench", "-x", "\(columns)", "-y", "\(rows)"] + command))
        guard status == 0 else { throw BenchError("tmux new-session exited with \(status)") }
    }

    /// Kills the server (and with it the pane's process) whatever state it is in.
    func kill() { _ = spawnAndWait(tmuxArguments(["kill-server"])) }

    func capture() -> String { output(["capture-pane", "-p", "-t", "bench"]) }
    func type(_ text: String) { _ = output(["send-keys", "-t", "bench", "-l", text]) }
    /// The pid of the pane's process (the command itself: tmux execs it without a shell).
    func panePid() -> Int32? { Int32(output(["list-panes", "-t", "bench", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) }

    func waitForScreen(timeoutSeconds: Double, until condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            let screen = capture()
            if condition(screen) { return screen }
            guard Date() < deadline else { throw BenchError("timed out after \(Int(timeoutSeconds)) s; the screen:\n\(screen)") }
            usleep(200_000)
        }
    }

    private func tmuxArguments(_ arguments: [String]) -> [String] {
        ["/usr/bin/env", "tmux", "-u", "-f", config, "-L", socket] + arguments
    }

    /// A client command's standard output (clients exit when done; only the server lingers).
    private func output(_ arguments: [String]) -> String { run(tmuxArguments(arguments), captureOutput: true).output }

    @discardableResult
    private func spawnAndWait(_ argv: [String]) -> Int32 { run(argv, captureOutput: false).status }

    /// Spawns `argv` with /dev/null for stdin and stderr (and stdout unless captured), reads
    /// the captured output to EOF, waits for the child and returns its exit status.
    private func run(_ argv: [String], captureOutput: Bool) -> (status: Int32, output: String) {
        var fds: [Int32] = [-1, -1]
        if captureOutput, pipe(&fds) != 0 { return (-1, "") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // An empty signal mask: the tmux server (and wharf in it) must see SIGCHLD and
        // SIGTERM even when this runs on a thread that blocks them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let cArgv = argv.map { strdup($0) } + [nil]
        defer { cArgv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, environ)
        var data = [UInt8]()
        if captureOutput {
            close(fds[1])
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while spawned == 0 {
                let count = read(fds[0], &buffer, buffer.count)
                if count > 0 { data.append(contentsOf: buffer[0..<count]) } else if count < 0, errno == EINTR { continue } else { break }
            }
            close(fds[0])
        }
        guard spawned == 0 else { return (-1, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return ((status >> 8) & 0xff, String(decoding: data, as: UTF8.self))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
