import NIOCore

// The seam between the transport (listeners, frames, connections) and the API handlers.

public enum KafkaResponseAction: Sendable {
    /// A full response frame: header and body, without the size prefix.
    case respond(ByteBuffer)
    /// No response (Produce with acks=0).
    case noResponse
    /// Close the connection after flushing earlier responses.
    case close
}

public struct KafkaConnectionInfo: Sendable {
    public var brokerId: Int32
    public var peer: String
    public var connectionId: UInt64

    public init(brokerId: Int32, peer: String, connectionId: UInt64) {
        self.brokerId = brokerId
        self.peer = peer
        self.connectionId = connectionId
    }
}

public protocol KafkaRequestDispatching: Sendable {
    func dispatch(frame: ByteBuffer, connection: KafkaConnectionInfo) async -> KafkaResponseAction
}
