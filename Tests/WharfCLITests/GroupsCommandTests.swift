import Foundation
import Glibc
import Testing

/// `wharf consume --group` and `wharf groups` against `wharf serve`, through the real binary.
@Suite(.serialized, .timeLimit(.minutes(5))) struct GroupsCommandTests {
    static let describeHeader = ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                 "CONSUMER-ID", "HOST", "CLIENT-ID"]

    /// The rows of a `groups describe` table, split on runs of spaces, header checked.
    static func rows(_ result: WharfBinary.Result) -> [[String]] {
        let lines = result.lines
        guard let header = lines.first, header.split(separator: " ").map(String.init) == describeHeader else { return [] }
        return lines.dropFirst().map { $0.split(separator: " ").map(String.init) }
    }

    @Test func groupConsumeDescribeResetAndRefuseWhileActive() throws {
        let served = try ServedWharf()
        defer { served.stop() }
        #expect(try served.run(["topics", "create", "--topic", "events", "--partitions", "2", "--replication-factor", "3"]).status == 0)
        #expect(try served.run(["produce", "--topic", "events", "--partition", "0"], input: (0..<6).map { "a\($0)\n" }.joined()).status == 0)
        #expect(try served.run(["produce", "--topic", "events", "--partition", "1"], input: (0..<4).map { "b\($0)\n" }.joined()).status == 0)

        // A group member reads everything, commits and leaves.
        let consumed = try served.run(["consume", "--topic", "events", "--group", "billing", "--from-beginning",
                                       "--max-messages", "10", "--timeout-ms", "20000", "--format", "%p:%v"])
        #expect(consumed.status == 0, "\(consumed.stderr)")
        #expect(Set(consumed.lines) == Set((0..<6).map { "0:a\($0)" } + (0..<4).map { "1:b\($0)" }))

        #expect(try served.run(["groups", "list"]).lines == ["billing"])
        let described = try served.run(["groups", "describe", "--group", "billing"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stderr == "Consumer group 'billing' has no active members.\n")
        #expect(Self.rows(described) == [
            ["billing", "events", "0", "6", "6", "0", "-", "-", "-"],
            ["billing", "events", "1", "4", "4", "0", "-", "-", "-"],
        ])

        // Dry run: shown, not committed.
        let dryRun = try served.run(["groups", "reset-offsets", "--group", "billing", "--topic", "events", "--to-earliest"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout == """
            GROUP   TOPIC  PARTITION NEW-OFFSET CURRENT-OFFSET
            billing events 0         0          6
            billing events 1         0          4

            """)
        #expect(dryRun.stderr.contains("Dry run"))
        #expect(Self.rows(try served.run(["groups", "describe", "--group", "billing"])).map { $0[3] } == ["6", "4"])

        // Other strategies, clamped to the log's range.
        let shifted = try served.run(["groups", "reset-offsets", "--group", "billing", "--topic", "events:1", "--shift-by", "-3"])
        #expect(shifted.lines.dropFirst().map { $0.split(separator: " ").map(String.init) } == [["billing", "events", "1", "1", "4"]])
        let beyond = try served.run(["groups", "reset-offsets", "--group", "billing", "--all-topics", "--to-offset", "100"])
        #expect(beyond.lines.dropFirst().map { $0.split(separator: " ")[3] } == ["6", "4"])
        let byDuration = try served.run(["groups", "reset-offsets", "--group", "billing", "--all-topics", "--by-duration", "PT1H"])
        #expect(byDuration.lines.dropFirst().map { $0.split(separator: " ")[3] } == ["0", "0"])
        let future = try served.run(["groups", "reset-offsets", "--group", "billing", "--all-topics",
                                     "--to-datetime", "2999-01-01T00:00:00.000Z"])
        #expect(future.lines.dropFirst().map { $0.split(separator: " ")[3] } == ["6", "4"])

        // Execute, then the group reads everything again.
        let executed = try served.run(["groups", "reset-offsets", "--group", "billing", "--topic", "events",
                                       "--to-earliest", "--execute"])
        #expect(executed.status == 0, "\(executed.stderr)")
        #expect(executed.stdout == dryRun.stdout)
        #expect(Self.rows(try served.run(["groups", "describe", "--group", "billing"])).map { [$0[3], $0[5]] }
            == [["0", "6"], ["0", "4"]])
        let again = try served.run(["consume", "--topic", "events", "--group", "billing", "--max-messages", "10",
                                    "--timeout-ms", "20000"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.lines.count == 10)

        // An active member: describe shows it, reset is refused, SIGTERM makes it leave.
        let member = try RunningWharf(["consume", "--topic", "events", "--group", "billing",
                                       "--bootstrap-server", served.bootstrap])
        var active: [[String]] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            active = Self.rows(try served.run(["groups", "describe", "--group", "billing"]))
            if active.count == 2 && active.allSatisfy({ $0[6] != "-" }) { break }
            usleep(100_000)
        }
        #expect(active.count == 2)
        #expect(active.allSatisfy { $0[5] == "0" && $0[6].hasPrefix("wharf-consumer") && $0[8] == "wharf-consumer" })
        let refused = try served.run(["groups", "reset-offsets", "--group", "billing", "--all-topics", "--to-earliest", "--execute"])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == "wharf groups reset-offsets: Assignments can only be reset if the group 'billing' "
            + "is inactive, but the current state is Stable.\n")
        member.send(SIGTERM)
        #expect(member.waitForExit(timeout: 30) == 0)
        #expect(member.stderr.contains("Processed a total of 0 messages"))
        let left = try served.run(["groups", "describe", "--group", "billing"])
        #expect(Self.rows(left).allSatisfy { $0[6] == "-" })

        let deleted = try served.run(["groups", "delete", "--group", "billing"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout == "Deletion of requested consumer groups ('billing') was successful.\n")
        #expect(try served.run(["groups", "list"]).stdout.isEmpty)
        let missing = try served.run(["groups", "describe", "--group", "billing"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "wharf groups describe: Consumer group 'billing' does not exist.\n")
    }

    @Test func resetOffsetsArgumentsAreChecked() throws {
        for arguments in [
            ["groups", "reset-offsets", "--group", "g", "--to-earliest"],
            ["groups", "reset-offsets", "--group", "g", "--all-topics"],
            ["groups", "reset-offsets", "--group", "g", "--all-topics", "--to-earliest", "--to-latest"],
            ["groups", "reset-offsets", "--group", "g", "--topic", "t:x", "--to-earliest"],
            ["groups", "reset-offsets", "--group", "g", "--all-topics", "--to-datetime", "yesterday"],
            ["groups", "reset-offsets", "--group", "g", "--all-topics", "--by-duration", "1h"],
        ] {
            let result = try WharfBinary.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }
}
