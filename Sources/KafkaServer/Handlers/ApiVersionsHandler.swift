import KafkaProtocol
import NIOCore

/// ApiVersions (18): the API keys and versions this broker advertises, from the registry.
struct ApiVersionsHandler: ApiHandler {
    typealias Request = ApiVersionsRequest
    var versions: ClosedRange<Int16> { Self.servedVersions }
    let registry: @Sendable () -> ApiRegistry

    func handle(_ request: ApiVersionsRequest, context: RequestContext) async -> ApiVersionsResponse? {
        var response = ApiVersionsResponse(apiKeys: Self.apiKeys(registry()))
        // KIP-511: v3+ clients name themselves; Kafka refuses names outside its pattern.
        if context.apiVersion >= 3,
           !Self.isValidSoftwareField(request.clientSoftwareName) || !Self.isValidSoftwareField(request.clientSoftwareVersion) {
            response.errorCode = KafkaError.invalidRequest.code
        }
        return response
    }

    static let servedVersions: ClosedRange<Int16> = 0...4

    /// The registry's APIs, ApiVersions itself included (the closure's registry is the one
    /// built before this handler joined it).
    static func apiKeys(_ registry: ApiRegistry) -> [ApiVersionsResponse.ApiVersion] {
        var advertised = registry.advertised
        if !advertised.contains(where: { $0.key == .apiVersions }) { advertised.append((.apiVersions, servedVersions)) }
        return advertised.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { .init(apiKey: $0.key.rawValue, minVersion: $0.versions.lowerBound, maxVersion: $0.versions.upperBound) }
    }

    /// The v0 UNSUPPORTED_VERSION answer to an ApiVersions request of a version we do not
    /// know, so the client can retry with one we do (KIP-511).
    static func unsupportedVersionFrame(registry: ApiRegistry, correlationId: Int32) -> ByteBuffer {
        let response = ApiVersionsResponse(errorCode: KafkaError.unsupportedVersion.code, apiKeys: apiKeys(registry))
        return KafkaFrame.response(response, version: 0, correlationId: correlationId)
    }

    /// `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`, Kafka's check.
    static func isValidSoftwareField(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func alnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}
