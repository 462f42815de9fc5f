import Dispatch
import Glibc

/// SIGINT and SIGTERM as an async event, so `wharf serve` can stop the server and close
/// the cluster cleanly instead of dying mid-write.
///
/// Catching starts at init (before the slow start-up, so an early Ctrl-C is not lost).
/// After the first signal the default actions come back: a second Ctrl-C during a hung
/// shutdown kills the process.
final class ShutdownSignals {
    private let sources: [any DispatchSourceSignal]
    private let received: AsyncStream<Int32>

    init(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        received = stream
        sources = signals.map { number in
            signal(number, SIG_IGN)  // Otherwise the default action runs before the source sees it.
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Waits for the first signal and returns it.
    func wait() async -> Int32 {
        var iterator = received.makeAsyncIterator()
        let number = await iterator.next() ?? SIGTERM
        for source in sources { source.cancel() }
        for source in sources { signal(Int32(source.handle), SIG_DFL) }
        return number
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}
