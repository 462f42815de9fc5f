import Foundation
import Glibc

/// An exclusive `flock` on `<data-dir>/.lock`, held for as long as this process serves the
/// data directory, so a second Wharf on the same directory fails at start instead of
/// writing the same logs (Kafka locks each log directory with a `.lock` file the same way).
///
/// The kernel drops the lock when the process exits, however it exits, so a crash never
/// leaves a stale lock behind. The file holds the owner's pid, for the error message only.
final class DataDirectoryLock {
    let directory: String
    let path: String
    private var descriptor: Int32

    /// Why the lock could not be taken.
    enum Failure: Error, CustomStringConvertible {
        /// Another process holds the lock (its pid, when the lock file says).
        case inUse(directory: String, holder: Int32?)
        /// The directory or the lock file could not be created or opened.
        case cannotOpen(path: String, reason: String)

        var description: String {
            switch self {
            case .inUse(let directory, let holder):
                let who = holder.map { "another wharf process (pid \($0))" } ?? "another wharf process"
                return "data directory \(directory) is already in use by \(who); stop it or choose another --data-dir"
            case .cannotOpen(let path, let reason):
                return "cannot lock \(path): \(reason)"
            }
        }
    }

    private init(directory: String, path: String, descriptor: Int32) {
        self.directory = directory
        self.path = path
        self.descriptor = descriptor
    }

    /// Creates the directory if needed and takes its lock without waiting.
    static func acquire(dataDirectory: String) throws(Failure) -> DataDirectoryLock {
        let path = dataDirectory + "/.lock"
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: dataDirectory, reason: "\(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = readPid(fd)
            close(fd)
            if failure == EWOULDBLOCK { throw .inUse(directory: dataDirectory, holder: holder) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(failure)))
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return DataDirectoryLock(directory: dataDirectory, path: path, descriptor: fd)
    }

    /// Releases the lock (the file stays: removing it would race with a process locking it).
    func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    private static func readPid(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
