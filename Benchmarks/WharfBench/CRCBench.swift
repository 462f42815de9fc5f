import Foundation
import CCRC32C

/// CRC-32C throughput of each implementation over one 64 MiB buffer, best of 5 runs.
/// The limit it is compared with is the memory bandwidth of a plain sum over the same
/// buffer, measured in the same run.
func runCRCBench() {
    let size = 64 << 20
    let data = pseudoRandomBytes(count: size)
    func best(_ f: (UnsafeRawBufferPointer) -> UInt32) -> Double {
        var bestSeconds = Double.infinity
        data.withUnsafeBytes { raw in
            for _ in 0..<5 {
                var sink: UInt32 = 0
                let s = timed { sink = f(raw) }
                if sink == 0xFFFF_FFFF { print("") }  // keep the result alive
                bestSeconds = min(bestSeconds, s)
            }
        }
        return Double(size) / bestSeconds / 1e9
    }
    let memory = best { raw in
        var acc: UInt64 = 0
        let words = raw.count / 8
        for i in 0..<words { acc &+= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) }
        return UInt32(truncatingIfNeeded: acc)
    }
    let limit = String(format: "memory read %.1f GB/s", memory)
    let used = best { wharf_crc32c(0, $0.baseAddress!, $0.count) }
    printResult("CRC32C (ISA-L, the one used)", String(format: "%8.1f GB/s", used), limit: limit,
                ratio: used / memory, verdict: verdict(used >= 8, "≥ 8 GB/s"))
    for (name, f) in [("  ISA-L crc32_iscsi", { (r: UnsafeRawBufferPointer) in wharf_crc32c_isal(0, r.baseAddress!, r.count) }),
                      ("  SSE4.2, one stream", { (r: UnsafeRawBufferPointer) in wharf_crc32c_sse42(0, r.baseAddress!, r.count) }),
                      ("  portable slicing-by-8", { (r: UnsafeRawBufferPointer) in wharf_crc32c_portable(0, r.baseAddress!, r.count) })] {
        if name.contains("SSE4.2") && wharf_crc32c_sse42_available() == 0 { continue }
        print(name.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%8.1f GB/s", best(f)))
    }
}
