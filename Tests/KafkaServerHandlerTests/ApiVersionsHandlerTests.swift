import KafkaProtocol
import KafkaServer
import NIOCore
import Testing

struct ApiVersionsHandlerTests {
    @Test func listsEveryServedApiWithKafkasCompatibilityRanges() async throws {
        let harness = try HandlerHarness(brokers: 1)
        for version: Int16 in 0...4 {
            let response = try await harness.send(ApiVersionsRequest(clientSoftwareName: "kcat", clientSoftwareVersion: "1.7.1"), version: version)
            #expect(response.errorCode == 0)
            let keys = Dictionary(uniqueKeysWithValues: response.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
            #expect(keys[ApiKey.apiVersions.rawValue] == 0...4)
            #expect(response.apiKeys.map(\.apiKey) == response.apiKeys.map(\.apiKey).sorted())
        }
    }

    @Test func anUnknownVersionGetsAV0UnsupportedVersionAnswer() async throws {
        let harness = try HandlerHarness(brokers: 1)
        // A v9 request with a v2 header: only the fixed header start matters to the broker.
        var frame = ByteBuffer()
        frame.writeInteger(ApiKey.apiVersions.rawValue)
        frame.writeInteger(Int16(9))
        frame.writeInteger(Int32(77))
        frame.writeInteger(Int16(-1))
        let response = try #require(try await harness.sendFrame(frame))
        let (correlation, body) = try KafkaFrame.decodeResponse(ApiVersionsResponse.self, from: response, version: 0)
        #expect(correlation == 77)
        #expect(body.errorCode == KafkaError.unsupportedVersion.code)
        #expect(body.apiKeys.contains { $0.apiKey == ApiKey.apiVersions.rawValue && $0.maxVersion == 4 })
    }

    @Test func aBadSoftwareNameIsAnInvalidRequest() async throws {
        let harness = try HandlerHarness(brokers: 1)
        let response = try await harness.send(ApiVersionsRequest(clientSoftwareName: "bad name!", clientSoftwareVersion: "1"), version: 3)
        #expect(response.errorCode == KafkaError.invalidRequest.code)
    }

    @Test func unknownApiKeysAndShortFramesCloseTheConnection() async throws {
        let harness = try HandlerHarness(brokers: 1)
        var unknown = ByteBuffer()
        unknown.writeInteger(Int16(1000)); unknown.writeInteger(Int16(0)); unknown.writeInteger(Int32(1)); unknown.writeInteger(Int16(-1))
        await #expect(throws: HandlerHarness.CallError.self) { _ = try await harness.sendFrame(unknown) }
        await #expect(throws: HandlerHarness.CallError.self) { _ = try await harness.sendFrame(ByteBuffer(bytes: [0, 18, 0])) }
    }
}
