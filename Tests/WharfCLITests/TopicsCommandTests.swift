import Foundation
import Testing

/// `wharf topics` against `wharf serve`, through the real binary.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TopicsCommandTests {
    @Test func createDescribeAlterAndDeleteATopic() throws {
        let served = try ServedWharf()
        defer { served.stop() }

        let created = try served.run(["topics", "create", "--topic", "orders", "--partitions", "3",
                                      "--replication-factor", "2", "--config", "retention.ms=3600000"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "Created topic orders.\n")

        let again = try served.run(["topics", "create", "--topic", "orders", "--partitions", "3"])
        #expect(again.status == 1)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.hasPrefix("wharf topics create: TOPIC_ALREADY_EXISTS: creating topic 'orders': "))
        #expect(try served.run(["topics", "create", "--topic", "orders", "--if-not-exists"]).status == 0)

        let list = try served.run(["topics", "list"])
        #expect(list.status == 0)
        #expect(list.lines.contains("orders"))
        #expect(try served.run(["topics", "list", "--exclude-internal"]).lines == ["orders"])

        let described = try served.run(["topics", "describe", "--topic", "orders"])
        #expect(described.status == 0, "\(described.stderr)")
        let lines = described.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let header = try #require(lines.first)
        #expect(header.wholeMatch(of: /Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: .*/) != nil,
                "\(header)")
        #expect(header.contains("retention.ms=3600000"))
        for (index, line) in lines.dropFirst().enumerated() {
            let match = try #require(line.wholeMatch(of: /\tTopic: orders\tPartition: (\d+)\tLeader: (\d)\tReplicas: (\d),(\d)\tIsr: (\d),(\d)/),
                                     "\(line)")
            #expect(Int(match.1) == index)
            #expect([match.3, match.4].contains(match.2))
        }

        let altered = try served.run(["topics", "alter", "--topic", "orders", "--partitions", "4",
                                      "--add-config", "cleanup.policy=[compact,delete],max.message.bytes=2000000",
                                      "--delete-config", "retention.ms"])
        #expect(altered.status == 0, "\(altered.stderr)")
        #expect(altered.stdout == "Completed updating config for topic orders.\n")
        let after = try served.run(["topics", "describe", "--topic", "orders"]).lines
        #expect(after.count == 5)
        #expect(after[0].contains("PartitionCount: 4"))
        #expect(after[0].contains("cleanup.policy=compact,delete"))
        #expect(after[0].contains("max.message.bytes=2000000"))
        #expect(!after[0].contains("retention.ms"))

        let deleted = try served.run(["topics", "delete", "--topic", "orders"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.isEmpty)
        let gone = try served.run(["topics", "describe", "--topic", "orders"])
        #expect(gone.status == 1)
        #expect(gone.stderr == "wharf topics describe: UNKNOWN_TOPIC_OR_PARTITION: topic 'orders': the topic does not exist\n")
        #expect(try served.run(["topics", "delete", "--topic", "orders", "--if-exists"]).status == 0)
    }

    @Test func noBrokerMeansExitOneNamingTheAddress() throws {
        // A port just freed: nothing listens there.
        var socket: LoopbackSocket? = try LoopbackSocket(listening: ())
        let port = socket!.port
        socket = nil
        let result = try WharfBinary.run(["topics", "list", "--bootstrap-server", "127.0.0.1:\(port)"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "wharf topics list: cannot connect to 127.0.0.1:\(port): connection refused\n")
    }

    @Test func badArgumentsAreUsageErrors() throws {
        for arguments in [["topics", "create"], ["topics", "create", "--topic", "t", "--partitions", "0"],
                          ["topics", "alter", "--topic", "t"], ["topics", "list", "--bootstrap-server", "host:notaport"]] {
            let result = try WharfBinary.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains("Usage: wharf topics"), "\(arguments): \(result.stderr)")
        }
    }
}
