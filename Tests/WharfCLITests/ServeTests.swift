import Foundation
import Glibc
import Testing

/// `wharf serve` as a user runs it: the real binary, real ports on 127.0.0.1, signals.
@Suite(.timeLimit(.minutes(3))) struct ServeTests {
    /// "broker <id> listening on <host>:<port>" → (id, host, port).
    static func parse(_ line: String) -> (id: Int32, host: String, port: Int)? {
        let words = line.split(separator: " ")
        guard words.count == 5, words[0] == "broker", words[2] == "listening", words[3] == "on", let id = Int32(words[1])
        else { return nil }
        let address = words[4].split(separator: ":")
        guard address.count == 2, let port = Int(address[1]) else { return nil }
        return (id, String(address[0]), port)
    }

    /// ApiVersions v0, correlation id 1, client id "t".
    static let apiVersionsRequest: [UInt8] = [0, 0, 0, 11, 0, 18, 0, 0, 0, 0, 0, 1, 0, 1, 0x74]

    @Test func servesUntilSIGTERMAndRefusesASecondProcessOnTheSameDataDirectory() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path("data")
        let serve = try RunningWharf(["serve", "--port", "0", "--brokers", "2", "--data-dir", data])

        let listeners = try serve.waitForLines(2, timeout: 90).map { try #require(Self.parse($0), "line: \($0)") }
        #expect(listeners.map(\.id) == [1, 2])
        #expect(listeners.allSatisfy { $0.host == "127.0.0.1" && $0.port > 0 })
        #expect(Set(listeners.map(\.port)).count == 2)
        for listener in listeners {
            // ApiVersions v0 is answered: size, correlation id 1, error code 0.
            let socket = try LoopbackSocket(connectingTo: listener.port)
            socket.send(Self.apiVersionsRequest)
            let answer = socket.receive(10, within: 10)
            #expect(Array(answer.dropFirst(4)) == [0, 0, 0, 1, 0, 0])
            // An API key Kafka does not have closes the connection.
            socket.send([0, 0, 0, 10, 0x03, 0xE8, 0, 0, 0, 0, 0, 2, 0xFF, 0xFF])
            #expect(socket.peerCloses(within: 10))
        }

        let second = try WharfBinary.run(["serve", "--port", "0", "--brokers", "2", "--data-dir", data], timeout: 60)
        #expect(second.status == 1)
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains(
            "wharf serve: data directory \(data) is already in use by another wharf process (pid \(serve.pid))"))

        serve.send(SIGTERM)
        #expect(serve.waitForExit(timeout: 60) == 0)
        #expect(serve.stderr.contains("Received SIGTERM, shutting down"))
        #expect(serve.stdoutLines.count == 2)
    }

    @Test func aPortInUseFailsWithStatus1AndLeavesTheDataDirectoryFree() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path("data")
        let busy = try LoopbackSocket(listening: ())

        let failed = try WharfBinary.run(["serve", "--port", "\(busy.port)", "--brokers", "1", "--data-dir", data],
                                         timeout: 60)
        #expect(failed.status == 1)
        #expect(failed.stdout.isEmpty)
        #expect(failed.stderr.contains("wharf serve: cannot listen on 127.0.0.1:\(busy.port): address already in use"))

        // The same data directory serves again (its lock was released, its cluster closed
        // cleanly), and SIGINT stops it too.
        let serve = try RunningWharf(["serve", "--port", "0", "--brokers", "1", "--data-dir", data])
        let lines = try serve.waitForLines(1, timeout: 90)
        #expect(Self.parse(lines[0])?.id == 1)
        serve.send(SIGINT)
        #expect(serve.waitForExit(timeout: 60) == 0)
    }

    @Test func badOptionsAreRefused() throws {
        let dir = try TemporaryDirectory()
        for arguments in [["--brokers", "0"], ["--port", "70000"], ["--port", "65535", "--brokers", "2"],
                          ["--log-level", "loud"]] {
            // A temporary data directory, in case an option were wrongly accepted.
            let result = try WharfBinary.run(["serve", "--data-dir", dir.path("data")] + arguments, timeout: 30)
            #expect(result.status == 64, "\(arguments)")
        }
    }
}
