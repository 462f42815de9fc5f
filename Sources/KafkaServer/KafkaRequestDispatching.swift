import NIOCore

/// What the server does after a request has been handled.
public enum KafkaResponseAction: Sendable {
    /// Send this response: the full response frame (response header and body), without the
    /// 4-byte size prefix, which the server adds.
    case respond(ByteBuffer)
    /// Send nothing (Produce with acks=0) and go on with the next request.
    case noResponse
    /// Close the connection, after the responses to earlier requests have been sent.
    case close
}

/// The connection a request arrived on.
public struct KafkaConnectionInfo: Sendable {
    /// The broker whose listener accepted the connection.
    public var brokerId: Int32
    /// The client's address, `host:port`.
    public var peer: String
    /// Unique among the server's connections.
    public var connectionId: UInt64

    public init(brokerId: Int32, peer: String, connectionId: UInt64) {
        self.brokerId = brokerId
        self.peer = peer
        self.connectionId = connectionId
    }
}

/// The seam between the transport and the per-API handlers: turns one request frame into
/// one action.
///
/// The server calls `dispatch` for one request of a connection at a time, in the order the
/// requests arrived (Kafka's rule: a connection's requests are processed in order, which
/// idempotent producers with several requests in flight rely on), and sends the responses
/// in that order. Requests of different connections are dispatched concurrently.
///
/// When the connection closes while a request is being dispatched, the dispatching task is
/// cancelled (cooperatively: a long-poll wait may end early) and its result is dropped.
public protocol KafkaRequestDispatching: Sendable {
    /// Handles one request. `frame` is the request frame without its size prefix: request
    /// header (apiKey, apiVersion, correlationId, clientId, …) then body; it has at least
    /// 8 bytes.
    func dispatch(frame: ByteBuffer, connection: KafkaConnectionInfo) async -> KafkaResponseAction
}
