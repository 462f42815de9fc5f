import NIOCore

/// A struct inside a Kafka message, read and written at the message's version.
public protocol KafkaStruct: Sendable, Equatable {
    /// Every field at its spec default.
    init()
    init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaDecodingError)
    @discardableResult
    func write(to buffer: inout ByteBuffer, version: Int16) -> Int
}

/// A top-level Kafka message (a request or response body, or a header), generated from
/// Apache Kafka's JSON specs into `Generated/`.
public protocol KafkaMessage: KafkaStruct {
    static var validVersions: ClosedRange<Int16> { get }
    /// From the first flexible version on (KIP-482: compact types and tagged fields); nil when none is.
    static var flexibleVersions: PartialRangeFrom<Int16>? { get }
}

public protocol KafkaRequestMessage: KafkaMessage {
    associatedtype Response: KafkaResponseMessage
    static var apiKey: ApiKey { get }
}

public protocol KafkaResponseMessage: KafkaMessage {
    static var apiKey: ApiKey { get }
}

extension KafkaMessage {
    public static func isFlexible(_ version: Int16) -> Bool { flexibleVersions?.contains(version) ?? false }
}

extension ApiKey {
    /// Request header v2 (with tagged fields) for flexible versions, else v1.
    public func requestHeaderVersion(_ version: Int16) -> Int16 {
        guard let first = firstFlexibleVersion, version >= first else { return 1 }
        return 2
    }

    /// Response header v1 for flexible versions, else v0; ApiVersions always answers with
    /// v0 so a client that does not know the broker's versions can read it (KIP-511).
    public func responseHeaderVersion(_ version: Int16) -> Int16 {
        guard self != .apiVersions, let first = firstFlexibleVersion, version >= first else { return 0 }
        return 1
    }
}
