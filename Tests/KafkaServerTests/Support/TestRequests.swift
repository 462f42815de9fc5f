import KafkaServer
import NIOCore

/// What the test dispatchers do, chosen by a request's apiKey.
enum TestAPI: Int16 {
    /// Answer with `TestResponse`, after the dispatcher's delay.
    case echo = 0
    /// Answer nothing (like Produce with acks=0).
    case noResponse = 1
    /// Close the connection.
    case close = 2
    /// Wait until cancelled, then answer.
    case waitForCancellation = 3
}

/// A request frame: apiKey, apiVersion 0, correlationId, then `payload` (no clientId: the
/// transport does not look past the first 8 bytes).
func request(_ api: TestAPI, correlationId: Int32, payload: String = "") -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(api.rawValue)
    buffer.writeInteger(Int16(0))
    buffer.writeInteger(correlationId)
    buffer.writeString(payload)
    return buffer
}

/// What the test dispatchers answer: correlationId, the connection it arrived on, the payload.
struct TestResponse: Equatable {
    var correlationId: Int32
    var brokerId: Int32
    var connectionId: UInt64
    var payload: String

    init(correlationId: Int32, brokerId: Int32, connectionId: UInt64, payload: String) {
        self.correlationId = correlationId
        self.brokerId = brokerId
        self.connectionId = connectionId
        self.payload = payload
    }

    /// Answers `frame` (a request built by `request(_:correlationId:payload:)`).
    init(answering frame: ByteBuffer, connection: KafkaConnectionInfo) {
        var frame = frame
        frame.moveReaderIndex(forwardBy: 4)
        correlationId = frame.readInteger(as: Int32.self)!
        brokerId = connection.brokerId
        connectionId = connection.connectionId
        payload = frame.readString(length: frame.readableBytes)!
    }

    init(decoding frame: ByteBuffer) {
        var frame = frame
        correlationId = frame.readInteger(as: Int32.self)!
        brokerId = frame.readInteger(as: Int32.self)!
        connectionId = frame.readInteger(as: UInt64.self)!
        payload = frame.readString(length: frame.readableBytes)!
    }

    var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(correlationId)
        buffer.writeInteger(brokerId)
        buffer.writeInteger(connectionId)
        buffer.writeString(payload)
        return buffer
    }
}
