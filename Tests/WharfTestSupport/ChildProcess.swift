import Foundation
import Glibc

/// A child process started with `posix_spawn`, for tests. Foundation's `Process` is not used
/// (see `ProcessLaunch`): this type has no shared background machinery, each instance reaps
/// only its own pid with `waitpid`.
///
/// - Standard input is /dev/null, inherited, fed from `Data` by a background thread (then
///   closed), or a pipe the caller writes with `writeInput(_:)` and closes with `closeInput()`.
/// - Standard output and error each go to a pipe (drained on a background thread as the child
///   writes, so a full pipe never blocks it; readable while it runs), a file, /dev/null, or
///   are inherited; standard error can also share standard output (`.stdout`).
/// - The child inherits no other descriptor of this process (close-from 3).
/// - The child starts with an empty signal mask and default dispositions for SIGINT, SIGTERM,
///   SIGCHLD and SIGPIPE, whatever the spawning thread had blocked or ignored.
/// - A child still running when the instance is dropped is killed with SIGKILL and reaped.
public final class ChildProcess: @unchecked Sendable {
    public enum Input: Sendable {
        case null
        case inherit
        /// Written by a background thread, then the pipe is closed.
        case data(Data)
        /// A pipe: `writeInput(_:)`, then `closeInput()`.
        case pipe
    }

    public enum Output: Sendable {
        /// Collected in memory: `stdoutData`, `stderrText`, …
        case pipe
        /// Created or truncated.
        case file(String)
        case null
        case inherit
        /// Standard error only: the same destination as standard output.
        case stdout
    }

    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        /// Reaped by someone else (a `waitpid(-1)` elsewhere): the status is lost.
        case unknown
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let executable: String
        public let code: Int32
        public var description: String { "could not start \(executable): \(String(cString: strerror(code)))" }
    }

    public let pid: pid_t
    public let executable: String

    private let lock = NSLock()
    private var termination: Termination?
    private var inputDescriptor: Int32?
    private let stdoutBuffer: OutputBuffer?
    private let stderrBuffer: OutputBuffer?

    /// How long a wait gives the output pipes to reach end-of-file after the child exited (a
    /// grandchild that inherited them can hold them open); what arrived by then is kept.
    public static let outputGrace: TimeInterval = 2

    /// Starts `executable` (a path; a bare name is looked up in `PATH`) with `arguments`.
    /// `environment` nil inherits this process's; `directory` nil inherits its working directory.
    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                directory: String? = nil, stdin: Input = .null, stdout: Output = .pipe, stderr: Output = .pipe) throws {
        _ = Self.ignoreSIGPIPE
        self.executable = executable
        var parentEnds: [Int32] = []   // closed if the spawn fails
        var childEnds: [Int32] = []    // always closed in the parent after the spawn
        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            guard Self.pipe2(&fds, O_CLOEXEC) == 0 else { throw SpawnError(executable: executable, code: errno) }
            return (fds[0], fds[1])
        }
        func closeAll(_ fds: [Int32]) { for fd in fds { _ = Glibc.close(fd) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var inputPipeWrite: Int32?
        var stdoutRead: Int32?
        var stderrRead: Int32?
        do {
            switch stdin {
            case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            case .inherit: break
            case .data, .pipe:
                let p = try makePipe()
                childEnds.append(p.read); parentEnds.append(p.write)
                posix_spawn_file_actions_adddup2(&actions, p.read, 0)
                inputPipeWrite = p.write
            }
            for (descriptor, output) in [(Int32(1), stdout), (Int32(2), stderr)] {
                switch output {
                case .pipe:
                    let p = try makePipe()
                    childEnds.append(p.write); parentEnds.append(p.read)
                    posix_spawn_file_actions_adddup2(&actions, p.write, descriptor)
                    if descriptor == 1 { stdoutRead = p.read } else { stderrRead = p.read }
                case .file(let path):
                    posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                case .null:
                    posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
                case .inherit:
                    break
                case .stdout:
                    precondition(descriptor == 2, ".stdout is for standard error only")
                    posix_spawn_file_actions_adddup2(&actions, 1, 2)
                }
            }
        } catch {
            closeAll(parentEnds + childEnds)
            throw error
        }

        // Nothing else of this process's: its listening sockets, connections and files stay
        // its own (a child holding a listener's socket would keep the port accepting).
        _ = Self.addclosefrom(&actions, 3)

        // The working directory last, so relative file paths above are the caller's.
        var path = executable
        var argv = [executable] + arguments
        if let directory {
            if let addchdir = Self.addchdir {
                _ = addchdir(&actions, directory)
            } else {
                path = "/bin/sh"
                argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments
            }
        }

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGQUIT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = environmentStrings.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }

        var spawned: pid_t = 0
        let searchPath = !path.contains("/")
        let result = ProcessLaunch.withLock {
            searchPath
                ? posix_spawnp(&spawned, path, &actions, &attributes, cArguments, cEnvironment)
                : posix_spawn(&spawned, path, &actions, &attributes, cArguments, cEnvironment)
        }
        closeAll(childEnds)
        guard result == 0 else {
            closeAll(parentEnds)
            throw SpawnError(executable: executable, code: result)
        }
        pid = spawned

        stdoutBuffer = stdoutRead.map { OutputBuffer(draining: $0) }
        stderrBuffer = stderrRead.map { OutputBuffer(draining: $0) }
        if case .data(let data) = stdin, let fd = inputPipeWrite {
            Thread.detachNewThread {
                _ = Self.writeAll(data, to: fd)
                _ = Glibc.close(fd)
            }
        } else {
            inputDescriptor = inputPipeWrite
        }
    }

    deinit {
        if termination == nil {
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        }
        if let inputDescriptor { _ = Glibc.close(inputDescriptor) }
        stdoutBuffer?.stop()
        stderrBuffer?.stop()
    }

    // MARK: Waiting

    /// Whether the child has not exited yet; reaps it (once) when it has.
    public var isRunning: Bool {
        lock.withLock {
            if termination != nil { return false }
            var status: Int32 = 0
            while true {
                let result = waitpid(pid, &status, WNOHANG)
                if result == 0 { return true }
                if result == pid {
                    termination = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
                    return false
                }
                if errno == EINTR { continue }
                termination = .unknown
                return false
            }
        }
    }

    /// Waits for the child to exit, then for its output pipes (at most `outputGrace`).
    public func waitUntilExit() {
        var pause: useconds_t = 500
        while isRunning {
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        finishOutput()
    }

    /// Waits at most `timeout` seconds for the child to exit; true if it has (and its output
    /// is then collected as in `waitUntilExit()`).
    @discardableResult
    public func wait(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 500
        while isRunning {
            if Date() >= deadline { return false }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        finishOutput()
        return true
    }

    /// How the child ended; waits for it first.
    public var terminationReason: Termination {
        waitUntilExit()
        return lock.withLock { termination ?? .unknown }
    }

    /// The exit status, or the signal number if a signal ended it (-1 if unknown); waits first.
    public var terminationStatus: Int32 {
        switch terminationReason {
        case .exited(let code), .signalled(let code): return code
        case .unknown: return -1
        }
    }

    /// Whether a signal ended the child; waits first.
    public var terminatedBySignal: Bool {
        if case .signalled = terminationReason { return true }
        return false
    }

    // MARK: Signals

    /// Sends `signal` unless the child has already been reaped (its pid may be reused).
    public func send(_ signal: Int32) {
        lock.withLock {
            if termination == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    public func terminate() { send(SIGTERM) }
    public func interrupt() { send(SIGINT) }
    public func kill() { send(SIGKILL) }

    // MARK: Standard input (`.pipe`)

    /// Writes all of `data` to the child's standard input; throws if the child closed it.
    public func writeInput(_ data: Data) throws {
        guard let fd = lock.withLock({ inputDescriptor }) else { throw SpawnError(executable: executable, code: EBADF) }
        let code = Self.writeAll(data, to: fd)
        if code != 0 { throw SpawnError(executable: executable, code: code) }
    }

    public func closeInput() {
        lock.withLock {
            if let inputDescriptor { _ = Glibc.close(inputDescriptor) }
            inputDescriptor = nil
        }
    }

    // MARK: Output (`.pipe`)

    /// What the child wrote so far; all of it once a wait returned that it exited.
    public var stdoutData: Data { stdoutBuffer?.data ?? Data() }
    public var stderrData: Data { stderrBuffer?.data ?? Data() }
    public var stdoutText: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderrData, as: UTF8.self) }

    /// Standard output from byte `offset` on: blocks until there is some, or returns nil once
    /// the output has ended (end-of-file, or the grace after exit ran out) with nothing more.
    public func readStdout(from offset: Int) -> Data? {
        stdoutBuffer?.read(from: offset)
    }

    // MARK: Internals

    private func finishOutput() {
        let deadline = Date().addingTimeInterval(Self.outputGrace)
        stdoutBuffer?.finish(by: deadline)
        stderrBuffer?.finish(by: deadline)
    }

    /// 0, or the errno that stopped the write (EPIPE when the reader has gone).
    private static func writeAll(_ data: Data, to fd: Int32) -> Int32 {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int32 in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }

    /// Writing to a pipe whose reader exited must fail with EPIPE, not kill the test process.
    /// Children get the default disposition back (POSIX_SPAWN_SETSIGDEF).
    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// glibc's `pipe2` (not exported by Swift's Glibc module either: _GNU_SOURCE), so both
    /// ends are close-on-exec from the start and no other spawn can inherit them.
    private static let pipe2: Pipe2 = {
        guard let symbol = dlsym(nil, "pipe2") else { fatalError("glibc without pipe2") }
        return unsafeBitCast(symbol, to: Pipe2.self)
    }()

    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; _GNU_SOURCE as well).
    private static let addclosefrom: AddClosefrom = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc without posix_spawn_file_actions_addclosefrom_np (needs 2.34+)")
        }
        return unsafeBitCast(symbol, to: AddClosefrom.self)
    }()

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does
    /// not export (it is under _GNU_SOURCE); nil falls back to `sh -c 'cd … && exec …'`.
    private static let addchdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}

/// One output pipe, read on its own thread until end-of-file, or until asked to stop (then
/// what is already in the pipe is still read).
private final class OutputBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var storage = Data()
    private var ended = false
    private var stopRequested = false

    init(draining fd: Int32) {
        Thread.detachNewThread { [self] in drain(fd) }
    }

    var data: Data { condition.withLock { storage } }

    private func drain(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let stopping = condition.withLock { stopRequested }
            let ready = poll(&descriptor, 1, stopping ? 0 : 100)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 {
                if stopping { break }
                continue
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                condition.withLock {
                    storage.append(contentsOf: chunk[0..<count])
                    condition.broadcast()
                }
            } else if count < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                break   // end-of-file or an error
            }
        }
        _ = Glibc.close(fd)
        condition.withLock {
            ended = true
            condition.broadcast()
        }
    }

    /// Waits for end-of-file until `deadline`, then stops reading and waits for the thread.
    func finish(by deadline: Date) {
        condition.lock()
        defer { condition.unlock() }
        while !ended, Date() < deadline { _ = condition.wait(until: deadline) }
        if !ended {
            stopRequested = true
            while !ended { condition.wait() }
        }
    }

    func stop() {
        condition.withLock { stopRequested = true }
    }

    func read(from offset: Int) -> Data? {
        condition.lock()
        defer { condition.unlock() }
        while storage.count <= offset, !ended { condition.wait() }
        guard storage.count > offset else { return nil }
        return storage.subdata(in: offset..<storage.count)
    }
}
