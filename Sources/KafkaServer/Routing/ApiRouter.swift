import BrokerEngine
import KafkaProtocol
import Logging
import NIOCore

/// Decodes request frames, hands each to the handler of its API key and encodes the
/// answer. Requests it cannot serve close the connection (Kafka's behaviour), except an
/// ApiVersions request of an unknown version, which gets a v0 UNSUPPORTED_VERSION answer
/// listing what is served (KIP-511).
public struct ApiRouter: KafkaRequestDispatching {
    public let registry: ApiRegistry
    public let broker: BrokerContext
    let logger: Logger

    public init(registry: ApiRegistry = .standard, broker: BrokerContext, logger: Logger = Logger(label: "wharf.server")) {
        self.registry = registry
        self.broker = broker
        self.logger = logger
    }

    public func dispatch(frame: ByteBuffer, connection: KafkaConnectionInfo) async -> KafkaResponseAction {
        guard let (rawKey, version, correlationId) = KafkaFrame.peekRequest(frame) else {
            logger.warning("request frame too short to hold a header", metadata: ["peer": "\(connection.peer)"])
            return .close
        }
        guard let key = ApiKey(rawValue: rawKey), let handler = registry.handler(for: key) else {
            logger.info("unsupported API key \(rawKey) (\(ApiKey(rawValue: rawKey)?.name ?? "unknown")); closing",
                        metadata: ["peer": "\(connection.peer)"])
            return .close
        }
        guard handler.versions.contains(version) else {
            if key == .apiVersions {
                return .respond(ApiVersionsHandler.unsupportedVersionFrame(registry: registry, correlationId: correlationId))
            }
            logger.info("\(key.name) v\(version) is not served (\(handler.versions)); closing", metadata: ["peer": "\(connection.peer)"])
            return .close
        }
        var buffer = frame
        do {
            let header = try RequestHeader(from: &buffer, version: key.requestHeaderVersion(version))
            let context = RequestContext(broker: broker, brokerId: connection.brokerId, header: header, connection: connection)
            guard let response = try await handler.handle(body: &buffer, context: context) else { return .noResponse }
            return .respond(response)
        } catch {
            // Kafka closes the connection on a request it cannot parse (InvalidRequestException).
            logger.warning("malformed \(key.name) v\(version) request: \(error); closing", metadata: ["peer": "\(connection.peer)"])
            return .close
        }
    }
}

/// The handlers by API key; `standard` holds every API Wharf serves.
public struct ApiRegistry: Sendable {
    private var handlers: [ApiKey: AnyApiHandler] = [:]

    public init() {}

    public mutating func register<H: ApiHandler>(_ handler: H) {
        handlers[H.Request.apiKey] = AnyApiHandler(handler)
    }

    public func handler(for key: ApiKey) -> AnyApiHandler? { handlers[key] }

    /// (key, advertised versions) of every API served, by key.
    public var advertised: [(key: ApiKey, versions: ClosedRange<Int16>)] {
        handlers.map { ($0.key, $0.value.advertisedVersions) }.sorted { $0.key.rawValue < $1.key.rawValue }
    }
}

/// A handler with its request type erased: decodes the body, runs, encodes the response.
public struct AnyApiHandler: Sendable {
    public let versions: ClosedRange<Int16>
    public let advertisedVersions: ClosedRange<Int16>
    private let run: @Sendable (inout ByteBuffer, RequestContext) async throws -> ByteBuffer?

    init<H: ApiHandler>(_ handler: H) {
        versions = handler.versions
        advertisedVersions = handler.advertisedVersions
        run = { body, context in
            let version = context.apiVersion
            let request = try H.Request(from: &body, version: version)
            guard let response = await handler.handle(request, context: context) else { return nil }
            return KafkaFrame.response(response, version: version, correlationId: context.header.correlationId)
        }
    }

    func handle(body: inout ByteBuffer, context: RequestContext) async throws -> ByteBuffer? {
        try await run(&body, context)
    }
}
