import Foundation

/// Starts child processes one at a time across every test module.
///
/// Tests start children with `ChildProcess` (posix_spawn), never Foundation's `Process`:
/// under parallel test runs swift-corelibs-foundation's `Process.run()` segfaulted inside
/// Foundation (twice: a CI run and a local full run), even with every launch serialised
/// here, so the race is in its shared background process-manager / termination handling,
/// which a lock around the launch cannot cover. `ChildProcess` has no shared machinery: each
/// instance reaps only its own pid. Spawning still goes through this lock; it is quick.
public enum ProcessLaunch {
    private static let lock = NSLock()

    /// Runs `body` (a `posix_spawn`) while no other test is spawning.
    public static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
