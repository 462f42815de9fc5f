import Foundation
import Testing
import WharfTestSupport

/// `wharf console` as a command line: help, validation, and refusing to start without a
/// terminal (ncurses would spin on a pipe), before touching the data directory.
@Suite struct ConsoleCommandTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func wharf(_ arguments: [String]) throws -> Output {
        let process = try ChildProcess(Tmux.wharf, arguments, stdin: .null, stdout: .pipe, stderr: .pipe)
        if !process.wait(timeout: 30) { process.kill() }
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: process.stdoutText, stderr: process.stderrText)
    }

    @Test func helpListsTheOptions() throws {
        let help = try wharf(["console", "--help"])
        #expect(help.status == 0)
        for option in ["--data-dir", "--port", "--brokers", "--demo", "--read-only", "--ascii", "--log-level", "NO_COLOR"] {
            #expect(help.stdout.contains(option), "\(option) missing from:\n\(help.stdout)")
        }
        let root = try wharf(["--help"])
        #expect(root.stdout.contains("console") && root.stdout.contains("(default)"))
    }

    @Test func withoutATerminalItSaysSoAndTouchesNothing() throws {
        let directory = try TemporaryDirectory()
        for arguments in [["console", "--data-dir", directory.path("data")], ["--data-dir", directory.path("data")]] {
            let run = try wharf(arguments)
            #expect(run.status == 1)
            #expect(run.stderr.contains("the console needs a terminal"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("data")))
        }
    }

    @Test func badOptionsAreRefused() throws {
        let run = try wharf(["console", "--brokers", "0"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--brokers must be between 1 and 64"))
    }
}
