/// Why a throwing Kafka decoder gave up. The `read*` primitives themselves return nil
/// (NIO's contract); decoders that must say *why* convert that nil into one of these.
public enum KafkaDecodingError: Error, Hashable, Sendable {
    /// Fewer bytes than the field needs: the frame or batch was cut short.
    case truncated(field: String)
    /// The bytes are there but cannot be a valid value: an over-long varint, a negative
    /// or oversized length, a null where the schema forbids one.
    case malformed(field: String, reason: String)
}

extension Optional {
    /// Unwraps a primitive read, turning nil into `KafkaDecodingError.malformed`.
    /// The primitives cannot tell "short" from "malformed" apart cheaply, and a frame is
    /// complete when decoding starts, so a nil always means the bytes are bad.
    @inlinable
    public func orThrow(_ field: @autoclosure () -> String) throws(KafkaDecodingError) -> Wrapped {
        guard let value = self else {
            throw KafkaDecodingError.malformed(field: field(), reason: "short or malformed")
        }
        return value
    }
}
