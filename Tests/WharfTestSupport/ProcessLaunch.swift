import Foundation

/// Starts child processes one at a time across every test module.
///
/// Swift Testing runs tests in parallel, and swift-corelibs-foundation's `Process.run()`
/// crashed (a bad read inside its spawn path) once in a CI run while other tests were
/// launching processes at the same moment. Launching is quick; serialising only the launch
/// (not the wait) removes the race at no cost.
public enum ProcessLaunch {
    private static let lock = NSLock()

    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }

    /// For launches that do not go through `Process` (posix_spawn).
    public static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
