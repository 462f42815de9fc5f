import BrokerEngine
import KafkaProtocol

/// One Kafka API served by the broker: the request type, the versions served, and the
/// mapping onto the engine. One conforming type per API key, in `Handlers/`.
public protocol ApiHandler: Sendable {
    associatedtype Request: KafkaRequestMessage
    /// Versions decoded and answered. A request outside them closes the connection, as Kafka does.
    var versions: ClosedRange<Int16> { get }
    /// Versions advertised in ApiVersions; wider than `versions` only for Kafka's
    /// compatibility quirks (Produce advertised from v0, PROTOCOL-NOTES.md §3).
    var advertisedVersions: ClosedRange<Int16> { get }
    /// The response, or nil when the request gets none (Produce with acks=0).
    func handle(_ request: Request, context: RequestContext) async -> Request.Response?
}

extension ApiHandler {
    public var advertisedVersions: ClosedRange<Int16> { versions }
}
