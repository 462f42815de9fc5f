import Foundation
import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

/// Whole request frames — random, and real client requests with mutated headers and bodies —
/// through the frame decoder and the router into a live 3-broker cluster. Every frame must
/// end in an answer, no answer, or a closed connection; the broker must keep serving.
/// Bounded by a fixed number of frames and a fixed seed.
struct RouterFuzzTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2685821657736338717
        }
    }

    /// Every captured client request, with its size prefix (as on the wire).
    static func capturedFrames() -> [[UInt8]] {
        let roots = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/captures").standardized,
                     URL(fileURLWithPath: "/work/shared/captures")]
        guard let root = roots.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
              let clients = try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) else { return [] }
        var frames: [[UInt8]] = []
        for client in clients.sorted(by: { $0.path < $1.path }) {
            let files = (try? FileManager.default.contentsOfDirectory(at: client, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.path < $1.path }) where file.lastPathComponent.hasSuffix("-request.bin") {
                if let data = try? Data(contentsOf: file) { frames.append(Array(data)) }
            }
        }
        return frames
    }

    @Test func mutatedAndRandomFramesNeverCrashTheBroker() async throws {
        let harness = try HandlerHarness()
        var rng = Rng(state: 0xF00D_0001)
        let captured = Self.capturedFrames()
        var stream = ByteBuffer()
        var outcomes = [String: Int]()
        for round in 0..<3_000 {
            var body: [UInt8]
            if !captured.isEmpty, round % 4 != 0 {
                body = captured[Int.random(in: 0..<captured.count, using: &rng)]
                for _ in 0..<Int.random(in: 0...3, using: &rng) where !body.isEmpty {
                    body[Int.random(in: 0..<body.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng), body.count > 8 { body.removeLast(Int.random(in: 1..<(body.count - 8), using: &rng)) }
                // Keep produce and topic admin from filling the disk or the metadata log: the
                // interesting part is decoding, not what a valid mutation asks the cluster to do.
            } else {
                body = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            // Through the frame decoder, as the connection handler uses it.
            stream.clear()
            stream.writeInteger(Int32(truncatingIfNeeded: body.count))
            stream.writeBytes(body)
            let frame: ByteBuffer?
            do {
                frame = try KafkaFrameDecoder.nextFrame(from: &stream, maxFrameSize: KafkaFrameDecoder.defaultMaxFrameSize)
            } catch {
                outcomes["frame refused", default: 0] += 1
                continue
            }
            guard let frame else { outcomes["incomplete", default: 0] += 1; continue }
            do {
                let answer = try await harness.sendFrame(frame, to: Int32.random(in: 1...3, using: &rng))
                outcomes[answer == nil ? "no response" : "answered", default: 0] += 1
            } catch {
                outcomes["closed", default: 0] += 1
            }
        }
        // Still serving: a plain Metadata request is answered.
        let metadata = try await harness.send(MetadataRequest(topics: nil), version: 12)
        #expect(metadata.brokers.count == 3)
        #expect(outcomes["answered", default: 0] > 100, "\(outcomes)")
        #expect(outcomes["closed", default: 0] > 100, "\(outcomes)")
    }
}
