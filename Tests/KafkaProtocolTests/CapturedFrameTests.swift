import Foundation
import NIOCore
import Testing

@testable import KafkaProtocol

/// Every frame real clients sent (and third-party brokers answered) in `../shared/captures`
/// decodes with the generated codecs; requests re-encode to the very same bytes.
@Suite(.enabled(if: Captures.directory != nil || ProcessInfo.processInfo.environment["CI"] != nil))
struct CapturedFrameTests {
    struct Frame: CustomTestStringConvertible {
        var url: URL
        var apiKey: ApiKey
        var version: Int16
        var isRequest: Bool
        var testDescription: String { "\(url.deletingLastPathComponent().lastPathComponent)/\(url.lastPathComponent)" }
    }

    /// `<seq>-<ApiName>-v<version>-<request|response>.bin` for the APIs we generate codecs for.
    static func frames() throws -> [Frame] {
        let root = try #require(Captures.directory)
        let byName = Dictionary(uniqueKeysWithValues: ApiKey.allCases.map { ($0.name, $0) })
        var result: [Frame] = []
        for client in try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) {
            guard let files = try? FileManager.default.contentsOfDirectory(at: client, includingPropertiesForKeys: nil) else { continue }
            for file in files where file.pathExtension == "bin" {
                let parts = file.deletingPathExtension().lastPathComponent.split(separator: "-")
                guard parts.count == 4, let key = byName[String(parts[1])], key.messageTypes != nil,
                      let version = Int16(parts[2].dropFirst()) else { continue }
                result.append(Frame(url: file, apiKey: key, version: version, isRequest: parts[3] == "request"))
            }
        }
        return result.sorted { $0.url.path < $1.url.path }
    }

    @Test func thereAreManyFramesOfEveryKind() throws {
        let frames = try Self.frames()
        #expect(frames.filter(\.isRequest).count > 200)
        #expect(Set(frames.map(\.apiKey)).count >= 14)
    }

    @Test(arguments: try frames().filter(\.isRequest))
    func requestDecodesAndReencodesToTheSameBytes(_ frame: Frame) throws {
        let bytes = try Data(contentsOf: frame.url)
        var buffer = ByteBuffer(bytes: bytes)
        let header = try RequestHeader(from: &buffer, version: frame.apiKey.requestHeaderVersion(frame.version))
        #expect(header.requestApiKey == frame.apiKey.rawValue)
        #expect(header.requestApiVersion == frame.version)
        let type = try #require(frame.apiKey.messageTypes).request
        let body = try type.init(from: &buffer, version: frame.version)
        // librdkafka's "all topics" Metadata v12 request carries 3 stray bytes (PROTOCOL-NOTES §5).
        let trailing = buffer.readableBytes
        #expect(trailing == 0 || (frame.apiKey == .metadata && trailing == 3), "\(trailing) bytes left over")

        var out = ByteBuffer()
        header.write(to: &out, version: frame.apiKey.requestHeaderVersion(frame.version))
        body.write(to: &out, version: frame.version)
        #expect(Array(out.readableBytesView) == Array(bytes.prefix(bytes.count - trailing)))
    }

    @Test(arguments: try frames().filter { !$0.isRequest })
    func responseDecodesAndRoundTrips(_ frame: Frame) throws {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: frame.url))
        _ = try ResponseHeader(from: &buffer, version: frame.apiKey.responseHeaderVersion(frame.version))
        let type = try #require(frame.apiKey.messageTypes).response
        let body = try type.init(from: &buffer, version: frame.version)
        #expect(buffer.readableBytes == 0)
        try expectRoundTrip(body, version: frame.version)
    }
}

/// Writes `message` at `version`, reads it back, and expects the same value with nothing left over.
func expectRoundTrip(_ message: some KafkaMessage, version: Int16, sourceLocation: SourceLocation = #_sourceLocation) throws {
    func check<M: KafkaMessage>(_ m: M) throws {
        var out = ByteBuffer()
        let written = m.write(to: &out, version: version)
        #expect(written == out.readableBytes, sourceLocation: sourceLocation)
        let back = try M(from: &out, version: version)
        #expect(back == m, "\(M.self) v\(version)", sourceLocation: sourceLocation)
        #expect(out.readableBytes == 0, sourceLocation: sourceLocation)
    }
    try check(message)
}
