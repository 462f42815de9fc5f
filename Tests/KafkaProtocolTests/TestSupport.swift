import Foundation
import NIOCore

/// Helpers shared by the KafkaProtocol tests.
enum TestSupport {
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined(separator: " ") }

    /// Deterministic, mildly compressible bytes (a small LCG over a short alphabet).
    static func sampleBytes(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
        var state = seed
        var out = [UInt8]()
        out.reserveCapacity(count)
        for _ in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            out.append(UInt8(truncatingIfNeeded: 0x61 + (state >> 59)))
        }
        return out
    }

    /// The package root: the nearest directory above this file that holds Package.swift.
    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    }
}

extension ByteBuffer {
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var i = digits.startIndex
        while i < digits.endIndex {
            let j = digits.index(i, offsetBy: 2)
            bytes.append(UInt8(digits[i..<j], radix: 16)!)
            i = j
        }
        self.init(bytes: bytes)
    }
}
