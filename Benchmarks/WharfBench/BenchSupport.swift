import Foundation
import Glibc

/// Wall-clock seconds from a monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` and returns how long it took, in seconds.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = monotonicSeconds()
    try body()
    return monotonicSeconds() - start
}

/// Runs a shell command and returns its exit status (stdout/stderr are discarded).
@discardableResult
func shell(_ command: String) -> Int32 {
    let status = system(command + " >/dev/null 2>&1")
    return (status >> 8) & 0xff
}

func formatRate(_ bytes: Int, _ seconds: Double) -> String {
    String(format: "%8.1f MB/s", Double(bytes) / seconds / 1e6)
}

/// One result line: the measured value, the limit measured in the same run, their ratio,
/// and whether the issue's target holds.
func printResult(_ name: String, _ value: String, limit: String, ratio: Double, verdict: String) {
    print(name.padding(toLength: 40, withPad: " ", startingAt: 0) + value + "   vs " + limit
          + String(format: "   = %.2f×", ratio) + "   " + verdict)
}

func verdict(_ met: Bool, _ target: String) -> String {
    "(target \(target): \(met ? "met" : "NOT met"))"
}

/// Fills `count` bytes with a cheap pseudo-random pattern (xorshift), so compressors and
/// the page cache see realistic, non-zero data.
func pseudoRandomBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        let words = raw.count / 8
        for i in 0..<words {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            raw.storeBytes(of: state, toByteOffset: i * 8, as: UInt64.self)
        }
    }
    return bytes
}
