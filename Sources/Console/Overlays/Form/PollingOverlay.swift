import Foundation

/// An overlay that waits for an operation it started (a dialog showing its own result).
/// The app polls it after applying the backend's events, on the UI thread, so a dialog
/// can close itself or show the outcome inline without the UI ever waiting.
public protocol PollingOverlay: Overlay {
    /// Effects once something it waits for finished (`[.dismissOverlay]` on success, `[]`
    /// after showing an error inline); nil while nothing new.
    func poll() -> [Effect]?
}

/// A result handed from a backend task to the UI thread. Thread-safe.
final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, BackendError>?

    func set(_ result: Result<Value, BackendError>) { lock.withLock { self.result = result } }

    /// The result, once; nil until it arrived.
    func take() -> Result<Value, BackendError>? {
        lock.withLock {
            defer { result = nil }
            return result
        }
    }
}
