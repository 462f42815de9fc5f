import NIOCore

/// Whole request and response frames (header + body, without the 4-byte size prefix),
/// shared by the server and the client.
public enum KafkaFrame {
    /// Encodes a request frame.
    public static func request<R: KafkaRequestMessage>(
        _ request: R, version: Int16, correlationId: Int32, clientId: String?,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        let header = RequestHeader(requestApiKey: R.apiKey.rawValue, requestApiVersion: version,
                                   correlationId: correlationId, clientId: clientId)
        header.write(to: &buffer, version: R.apiKey.requestHeaderVersion(version))
        request.write(to: &buffer, version: version)
        return buffer
    }

    /// Encodes a response frame for a request of `apiKey` at `version`.
    public static func response<R: KafkaResponseMessage>(
        _ response: R, version: Int16, correlationId: Int32,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        ResponseHeader(correlationId: correlationId).write(to: &buffer, version: R.apiKey.responseHeaderVersion(version))
        response.write(to: &buffer, version: version)
        return buffer
    }

    /// The fixed start every request header version shares: api key, version, correlation id.
    public static func peekRequest(_ frame: ByteBuffer) -> (apiKey: Int16, version: Int16, correlationId: Int32)? {
        guard let key = frame.getInteger(at: frame.readerIndex, as: Int16.self),
              let version = frame.getInteger(at: frame.readerIndex + 2, as: Int16.self),
              let correlation = frame.getInteger(at: frame.readerIndex + 4, as: Int32.self) else { return nil }
        return (key, version, correlation)
    }

    /// Decodes a response frame's header and body.
    public static func decodeResponse<R: KafkaResponseMessage>(
        _ type: R.Type, from frame: ByteBuffer, version: Int16
    ) throws(KafkaDecodingError) -> (correlationId: Int32, response: R) {
        var buffer = frame
        let header = try ResponseHeader(from: &buffer, version: R.apiKey.responseHeaderVersion(version))
        let body = try R(from: &buffer, version: version)
        return (header.correlationId, body)
    }
}
