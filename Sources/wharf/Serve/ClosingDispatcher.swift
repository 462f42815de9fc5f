import KafkaServer
import Logging
import NIOCore

/// TEMPORARY, until the per-API handlers exist: answers no request, closes the connection
/// on every one. `wharf serve` listens and frames, but no client can do anything yet.
struct ClosingDispatcher: KafkaRequestDispatching {
    let logger: Logger

    func dispatch(frame: ByteBuffer, connection: KafkaConnectionInfo) async -> KafkaResponseAction {
        let apiKey = frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int16.self) ?? -1
        logger.warning("no handler yet: closing the connection from \(connection.peer) to broker \(connection.brokerId)",
                       metadata: ["apiKey": "\(apiKey)"])
        return .close
    }
}
