import Foundation
import NIOCore

/// Helpers shared by the KafkaProtocol tests.
enum TestSupport {
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined(separator: " ") }

    static let words = [
        "kafka", "broker", "topic", "partition", "offset", "leader", "replica", "segment",
        "batch", "record", "consumer", "producer", "commit", "fetch", "index", "wharf",
    ].map { Array($0.utf8) + [0x20] }

    /// Deterministic text-like bytes (words picked by an LCG): compressible like logs are.
    static func sampleBytes(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
        var state = seed
        var out = [UInt8]()
        out.reserveCapacity(count + 16)
        while out.count < count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            out += words[Int(state >> 60)]
        }
        return Array(out.prefix(count))
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
