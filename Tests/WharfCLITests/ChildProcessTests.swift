import Foundation
import Glibc
import Testing
import WharfTestSupport

/// The tests' posix_spawn child process (WharfTestSupport), which replaces Foundation's `Process`.
@Suite struct ChildProcessTests {
    @Test func exitStatusAndOutputs() throws {
        let ok = try ChildProcess("/bin/sh", ["-c", "echo out; echo err >&2; exit 0"])
        ok.waitUntilExit()
        #expect(ok.terminationReason == .exited(0))
        #expect(ok.terminationStatus == 0 && !ok.terminatedBySignal)
        #expect(ok.stdoutText == "out\n")
        #expect(ok.stderrText == "err\n")

        let failing = try ChildProcess("/bin/sh", ["-c", "exit 3"])
        #expect(failing.terminationReason == .exited(3))
        #expect(failing.terminationStatus == 3)
        #expect(!failing.isRunning)
    }

    @Test func outputLargerThanAPipeBufferIsDrainedWhileItRuns() throws {
        let big = try ChildProcess("/bin/sh", ["-c", "head -c 1000000 /dev/zero; head -c 300000 /dev/zero >&2"])
        #expect(big.wait(timeout: 30))
        #expect(big.terminationStatus == 0)
        #expect(big.stdoutData.count == 1_000_000)
        #expect(big.stderrData.count == 300_000)
        #expect(big.stdoutData.allSatisfy { $0 == 0 })
    }

    @Test func outputToAFileOrMergedOrDiscarded() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-child-\(UUID().uuidString)").path
        defer { unlink(path) }
        let toFile = try ChildProcess("/bin/sh", ["-c", "echo one; echo two >&2"], stdout: .file(path), stderr: .stdout)
        toFile.waitUntilExit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        #expect(toFile.stdoutData.isEmpty)

        let merged = try ChildProcess("/bin/sh", ["-c", "echo one; echo two >&2"], stdout: .pipe, stderr: .stdout)
        merged.waitUntilExit()
        #expect(merged.stdoutText == "one\ntwo\n")

        let discarded = try ChildProcess("/bin/sh", ["-c", "echo gone; echo gone >&2"], stdout: .null, stderr: .null)
        #expect(discarded.terminationReason == .exited(0))
        #expect(discarded.stdoutData.isEmpty && discarded.stderrData.isEmpty)
    }

    @Test func environmentAndWorkingDirectory() throws {
        let inherited = try ChildProcess("/bin/sh", ["-c", "echo \"$HOME\"; pwd -P"])
        inherited.waitUntilExit()
        #expect(inherited.stdoutText == "\(ProcessInfo.processInfo.environment["HOME"] ?? "")\n\(FileManager.default.currentDirectoryPath)\n")

        let own = try ChildProcess("/bin/sh", ["-c", "echo \"$WHARF_CHILD_TEST|${HOME:-unset}\"; pwd -P"],
                                   environment: ["WHARF_CHILD_TEST": "a value with spaces"], directory: "/usr/bin")
        own.waitUntilExit()
        #expect(own.stdoutText == "a value with spaces|unset\n/usr/bin\n")
    }

    @Test func standardInput() throws {
        let null = try ChildProcess("/bin/cat")
        null.waitUntilExit()
        #expect(null.terminationStatus == 0 && null.stdoutData.isEmpty)

        let fed = try ChildProcess("/bin/cat", stdin: .data(Data(repeating: 7, count: 500_000)))
        #expect(fed.wait(timeout: 30))
        #expect(fed.stdoutData == Data(repeating: 7, count: 500_000))

        let piped = try ChildProcess("/bin/sh", ["-c", "read line; echo \"got $line\"; read line; echo \"got $line\""], stdin: .pipe)
        try piped.writeInput(Data("one\n".utf8))
        let first = try #require(piped.readStdout(from: 0))
        #expect(String(decoding: first, as: UTF8.self) == "got one\n")
        try piped.writeInput(Data("two\n".utf8))
        piped.closeInput()
        piped.waitUntilExit()
        #expect(piped.stdoutText == "got one\ngot two\n")
        #expect(piped.readStdout(from: piped.stdoutData.count) == nil)

        // Writing to a child that has gone fails with EPIPE instead of killing the test process.
        let gone = try ChildProcess("/bin/true", stdin: .pipe)
        gone.waitUntilExit()
        #expect(throws: ChildProcess.SpawnError.self) { try gone.writeInput(Data("late\n".utf8)) }
    }

    @Test func timeoutThenKill() throws {
        let start = Date()
        let sleeper = try ChildProcess("/bin/sleep", ["60"])
        #expect(!sleeper.wait(timeout: 0.3))
        #expect(sleeper.isRunning)
        sleeper.kill()
        #expect(sleeper.wait(timeout: 10))
        #expect(sleeper.terminationReason == .signalled(SIGKILL))
        #expect(sleeper.terminatedBySignal && sleeper.terminationStatus == SIGKILL)
        #expect(Date().timeIntervalSince(start) < 20)
        sleeper.kill()   // reaped already: a no-op, never a signal to a reused pid
    }

    @Test func terminateAndInterruptAreReportedAsSignals() throws {
        let terminated = try ChildProcess("/bin/sleep", ["60"])
        terminated.terminate()
        #expect(terminated.wait(timeout: 10))
        #expect(terminated.terminationReason == .signalled(SIGTERM))

        let interrupted = try ChildProcess("/bin/sleep", ["60"])
        interrupted.interrupt()
        #expect(interrupted.wait(timeout: 10))
        #expect(interrupted.terminationReason == .signalled(SIGINT))
    }

    /// Even when the spawning thread blocks signals, the child starts with none blocked and
    /// default dispositions.
    @Test func childSignalMaskIsEmpty() throws {
        let result = try onThreadBlockingSignals {
            let child = try ChildProcess("/bin/sh", ["-c", "grep -E 'SigBlk|SigIgn' /proc/self/status"])
            child.waitUntilExit()
            return child.stdoutText
        }
        #expect(result.contains("SigBlk:\t0000000000000000"), "\(result)")
        // SIGINT (bit 2), SIGPIPE (bit 13) and SIGTERM (bit 15) are not ignored.
        let ignored = try #require(result.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }?.split(separator: "\t").last)
        let mask = try #require(UInt64(ignored, radix: 16))
        #expect(mask & (1 << 1 | 1 << 12 | 1 << 14) == 0, "\(result)")
    }

    @Test func manyConcurrentSpawns() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var succeeded = 0
                    for _ in 0..<25 {
                        let child = try ChildProcess("/bin/true")
                        if child.wait(timeout: 30), child.terminationReason == .exited(0) { succeeded += 1 }
                    }
                    return succeeded
                }
            }
            var total = 0
            for try await succeeded in group { total += succeeded }
            #expect(total == 200)
        }
    }

    /// A descriptor of the test process without close-on-exec (like a listening socket) is
    /// not inherited: the child would otherwise keep a closed listener's port accepting.
    @Test func noOtherDescriptorIsInherited() throws {
        let fd = open("/dev/null", O_RDONLY)
        try #require(fd > 2)
        defer { close(fd) }
        let child = try ChildProcess("/bin/sh", ["-c", "if [ -e /proc/$$/fd/\(fd) ]; then echo inherited; else echo closed; fi; ls /proc/$$/fd"])
        child.waitUntilExit()
        #expect(child.stdoutText.hasPrefix("closed\n"), "\(child.stdoutText)")
    }

    @Test func aMissingExecutableThrows() {
        #expect(throws: ChildProcess.SpawnError.self) { try ChildProcess("/nonexistent/wharf-child") }
    }

    /// Runs `body` on a new thread that blocks SIGINT, SIGTERM and SIGCHLD.
    private func onThreadBlockingSignals<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let thread = Thread {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            for signal in [SIGINT, SIGTERM, SIGCHLD] { sigaddset(&blocked, signal) }
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            box.set(Result { try body() })
        }
        thread.start()
        return try box.wait().get()
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, any Error>?
    func set(_ value: Result<T, any Error>) {
        condition.withLock {
            result = value
            condition.broadcast()
        }
    }
    func wait() -> Result<T, any Error> {
        condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
    }
}
