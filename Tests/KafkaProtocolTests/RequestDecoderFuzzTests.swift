import Foundation
import NIOCore
import Testing

@testable import KafkaProtocol

/// Random and mutated request bodies through every generated request decoder at every
/// version: a decoder may only return a value or throw `KafkaDecodingError` — never crash,
/// hang, or allocate what the bytes merely claim. Bounded by iterations (not time) so a run
/// is reproducible: the seed is fixed and printed in failures.
struct RequestDecoderFuzzTests {
    /// xorshift64*: deterministic, fast, good enough to scramble bytes.
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2685821657736338717
        }
    }

    static let requestTypes: [(ApiKey, any KafkaRequestMessage.Type)] =
        ApiKey.allCases.compactMap { key in key.messageTypes.map { (key, $0.request) } }

    /// Decodes and, when that works, re-encodes and decodes again (the value must survive).
    static func exercise(_ type: any KafkaRequestMessage.Type, _ bytes: ByteBuffer, version: Int16) {
        func run<M: KafkaRequestMessage>(_: M.Type) {
            var buffer = bytes
            guard let decoded = try? M(from: &buffer, version: version) else { return }
            var out = ByteBuffer()
            decoded.write(to: &out, version: version)
            let again = try? M(from: &out, version: version)
            #expect(again != nil, "\(M.self) v\(version) does not re-decode its own encoding")
        }
        run(type)
    }

    @Test func randomBytesNeverCrashAnyDecoder() {
        var rng = Rng(state: 0x5EED_0001)
        for (_, type) in Self.requestTypes {
            for version in type.validVersions {
                for _ in 0..<150 {
                    let length = Int.random(in: 0..<96, using: &rng)
                    let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    Self.exercise(type, ByteBuffer(bytes: bytes), version: version)
                }
            }
        }
    }

    /// Lengths and counts that claim gigabytes must be refused before allocating.
    @Test func hugeClaimedLengthsAreRefused() {
        let claims: [[UInt8]] = [
            [0x7F, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
        ]
        for (_, type) in Self.requestTypes {
            for version in type.validVersions {
                for claim in claims {
                    for prefix in 0..<6 {
                        Self.exercise(type, ByteBuffer(bytes: Array(repeating: 0, count: prefix) + claim + [1, 2, 3]), version: version)
                    }
                }
            }
        }
    }

    @Test func mutatedCapturedRequestsNeverCrash() throws {
        guard let root = Captures.directory else { return }
        var rng = Rng(state: 0x5EED_0002)
        let byName = Dictionary(uniqueKeysWithValues: ApiKey.allCases.map { ($0.name, $0) })
        var frames = 0
        for client in try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) {
            guard let files = try? FileManager.default.contentsOfDirectory(at: client, includingPropertiesForKeys: nil) else { continue }
            for file in files where file.lastPathComponent.hasSuffix("-request.bin") {
                let parts = file.deletingPathExtension().lastPathComponent.split(separator: "-")
                guard parts.count == 4, let key = byName[String(parts[1])], let type = key.messageTypes?.request,
                      let version = Int16(parts[2].dropFirst()) else { continue }
                var original = ByteBuffer(bytes: try Data(contentsOf: file))
                _ = try RequestHeader(from: &original, version: key.requestHeaderVersion(version))
                let body = Array(original.readableBytesView)
                frames += 1
                for _ in 0..<60 {
                    var mutated = body
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0 where !mutated.isEmpty:   // flip bytes
                        for _ in 0..<Int.random(in: 1...4, using: &rng) {
                            mutated[Int.random(in: 0..<mutated.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                        }
                    case 1 where !mutated.isEmpty:   // truncate
                        mutated.removeLast(Int.random(in: 1...mutated.count, using: &rng))
                    case 2:                           // splice in a huge length
                        let at = Int.random(in: 0...mutated.count, using: &rng)
                        mutated.insert(contentsOf: [0x7F, 0xFF, 0xFF, 0xF0], at: at)
                    default:                          // garbage tail
                        mutated += (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    }
                    Self.exercise(type, ByteBuffer(bytes: mutated), version: version)
                    // The same bytes at every other version of the API.
                    Self.exercise(type, ByteBuffer(bytes: mutated), version: type.validVersions.randomElement(using: &rng)!)
                }
            }
        }
        #expect(frames > 200)
    }
}
