import Foundation
import Testing
import WharfTestSupport

/// The real `wharf console` in tmux, driven by Tests/e2e/console_e2e.py with a real Kafka
/// client (confluent-kafka) against its listeners: the screens after `:topics`, `:groups`
/// and `:brokers`, a broker stopped with `s` (leadership moves, as the client's metadata
/// shows, and its port refuses connections until `s` starts it again), and quitting closes
/// the listeners. `make test` provides the venv (WHARF_PYTHON)
/// and tmux (scripts/install-deps.sh); under CI the suite must run.
@Suite(.serialized, .enabled(if: E2EScript.canRun || ProcessInfo.processInfo.environment["CI"] != nil,
                             "needs tmux and WHARF_PYTHON (make test provides both)"))
struct ConsoleE2ETests {
    @Test func consoleShowsWhatAKafkaClientDidAndStopsABrokerFromTheScreen() async throws {
        #expect(E2EScript.python != nil, "WHARF_PYTHON must name the venv's python (make test sets it)")
        #expect(E2EScript.tmuxInstalled, "tmux must be installed (make deps)")
        guard E2EScript.canRun else { return }
        let wharf = E2EScript.wharfBinary
        #expect(FileManager.default.isExecutableFile(atPath: wharf), "no wharf binary at \(wharf)")

        let outcome = try await E2EScript(name: "console_e2e.py", arguments: [wharf], timeoutSeconds: 300).run()
        #expect(!outcome.timedOut, "console_e2e.py timed out after 300 s:\n\(outcome.output)")
        #expect(outcome.status == 0, "console_e2e.py failed (status \(outcome.status)):\n\(outcome.output)")
    }
}
