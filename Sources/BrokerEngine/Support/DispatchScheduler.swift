import Dispatch
import Foundation

/// The production `EngineScheduler`: wall-clock time and `DispatchQueue.asyncAfter`.
///
/// Actions run on one serial queue, so the timers of one scheduler never race each other;
/// the components they call are thread-safe anyway. A cancelled `DispatchWorkItem` that
/// has not started never runs; one that already started is harmless because every engine
/// timer re-checks its state under the owner's lock.
public final class DispatchScheduler: EngineScheduler {
    private let queue: DispatchQueue

    public init(label: String = "wharf.engine.timers") {
        self.queue = DispatchQueue(label: label)
    }

    public var nowMs: Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    @discardableResult
    public func schedule(afterMs delayMs: Int64, _ action: @escaping @Sendable () -> Void) -> any Cancellable {
        let item = DispatchWorkItem(block: action)
        let delay = max(0, delayMs)
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(clamping: delay)), execute: item)
        return DispatchCancellable(item: item)
    }
}

private struct DispatchCancellable: Cancellable, @unchecked Sendable {
    // DispatchWorkItem is thread-safe; it is not annotated Sendable in corelibs-dispatch.
    let item: DispatchWorkItem
    func cancel() { item.cancel() }
}
