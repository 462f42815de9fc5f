import Foundation
import Glibc
import WharfTestSupport

/// A `wharf` process left running (`wharf serve`), its output collected as it comes. Killed
/// when dropped if it is still running, so a failing test leaves nothing behind.
final class RunningWharf: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        let what: String
        let stderr: String
        var description: String { "timed out waiting for \(what); stderr so far:\n\(stderr)" }
    }

    private let process: ChildProcess

    init(_ arguments: [String]) throws {
        process = try ChildProcess(WharfBinary.url.path, arguments, stdout: .pipe, stderr: .pipe)
    }

    deinit {
        process.kill()
        process.waitUntilExit()
    }

    var pid: Int32 { process.pid }
    var stdout: String { process.stdoutText }
    var stderr: String { process.stderrText }
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Waits until standard output holds at least `count` lines.
    func waitForLines(_ count: Int, timeout: TimeInterval) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while stdoutLines.count < count {
            guard process.isRunning || stdoutLines.count >= count else {
                process.waitUntilExit()   // all of its output
                if stdoutLines.count >= count { break }
                throw Timeout(what: "\(count) lines (wharf exited with \(process.terminationStatus))", stderr: stderr)
            }
            guard Date() < deadline else { throw Timeout(what: "\(count) lines", stderr: stderr) }
            usleep(10_000)
        }
        return Array(stdoutLines.prefix(count))
    }

    func send(_ signal: Int32) { process.send(signal) }

    /// Waits for the process to exit and returns its exit status, or nil if it is still
    /// running after `timeout` (or was killed by a signal).
    func waitForExit(timeout: TimeInterval) -> Int32? {
        guard process.wait(timeout: timeout), case .exited(let status) = process.terminationReason else { return nil }
        return status
    }
}

/// A plain TCP socket on 127.0.0.1, for the CLI tests' few bytes.
final class LoopbackSocket {
    let descriptor: Int32

    /// A connected socket.
    init(connectingTo port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    /// A socket listening on a free port (`port`), which nobody else can then bind.
    init(listening: Void) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit { close(descriptor) }

    var port: Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// The first `count` bytes the peer sends within `timeout` seconds (fewer if it closes or time runs out).
    func receive(_ count: Int, within timeout: TimeInterval) -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while received.count < count, Date() < deadline {
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptors, 1, 50) > 0 else { continue }
            let n = recv(descriptor, &buffer, min(buffer.count, count - received.count), 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return received
    }

    /// Whether the peer closes the connection (read returns 0 or a reset) within `timeout`
    /// seconds, discarding anything it sends first.
    func peerCloses(within timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while Date() < deadline {
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptors, 1, 50) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return true }
        }
        return false
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
