import KafkaProtocol

/// Why a client call failed. `description` is the message a user sees: a Kafka error by
/// its protocol name ("UNKNOWN_TOPIC_OR_PARTITION: topic 'orders' …"), or a connection
/// error naming the address ("cannot connect to 127.0.0.1:9092: connection refused").
public enum KafkaClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broker answered with a Kafka error code. `context` says what was asked
    /// ("topic 'orders' partition 3"); `message` is the broker's error message, if any.
    case kafka(KafkaError, context: String, message: String?)
    /// No TCP connection could be made (refused, unreachable, DNS, connect timeout).
    case connectionFailed(address: String, reason: String)
    /// A broker the metadata names (a leader, a coordinator) could not be reached; retried
    /// after a metadata refresh, since leadership may have moved away from it.
    case brokerUnreachable(nodeId: Int32, address: String, reason: String)
    /// The connection closed (or failed) while requests were in flight.
    case connectionClosed(address: String)
    /// No response within the request timeout; the connection is closed, as Java's client does.
    case requestTimedOut(address: String, api: String, milliseconds: Int64)
    /// The broker does not list the API in its ApiVersions answer.
    case unsupportedApi(address: String, api: String)
    /// The broker's version range for the API and ours do not overlap.
    case noCommonVersion(address: String, api: String, ours: ClosedRange<Int16>, broker: ClosedRange<Int16>)
    /// A response could not be decoded.
    case malformedResponse(address: String, api: String, reason: String)
    /// A record batch in a Fetch response could not be decoded.
    case corruptRecords(topic: String, partition: Int32, reason: String)
    /// Bad input from the caller (a bootstrap list, a partition number, …).
    case invalidArgument(String)
    /// The client was closed.
    case closed

    public var description: String {
        switch self {
        case .kafka(let error, let context, let message):
            let detail = message.flatMap { $0.isEmpty ? nil : $0 } ?? error.message
            return "\(error.name): \(context): \(detail)"
        case .connectionFailed(let address, let reason):
            return "cannot connect to \(address): \(reason)"
        case .brokerUnreachable(let nodeId, let address, let reason):
            return "cannot connect to broker \(nodeId) at \(address): \(reason)"
        case .connectionClosed(let address):
            return "connection to \(address) closed"
        case .requestTimedOut(let address, let api, let ms):
            return "\(api) request to \(address) timed out after \(ms) ms"
        case .unsupportedApi(let address, let api):
            return "the broker at \(address) does not support \(api)"
        case .noCommonVersion(let address, let api, let ours, let broker):
            return "no common \(api) version with the broker at \(address): "
                + "we speak \(ours.lowerBound)-\(ours.upperBound), it speaks \(broker.lowerBound)-\(broker.upperBound)"
        case .malformedResponse(let address, let api, let reason):
            return "malformed \(api) response from \(address): \(reason)"
        case .corruptRecords(let topic, let partition, let reason):
            return "corrupt records in \(topic)-\(partition): \(reason)"
        case .invalidArgument(let message):
            return message
        case .closed:
            return "the client is closed"
        }
    }

    /// The Kafka error code, when the broker sent one.
    public var kafkaError: KafkaError? {
        if case .kafka(let error, _, _) = self { return error }
        return nil
    }

    /// Worth retrying after a metadata refresh: retriable Kafka errors (Kafka's
    /// `RetriableException` set) and lost connections to a broker other than the bootstrap.
    public var isRetriable: Bool {
        switch self {
        case .kafka(let error, _, _): error.isRetriable || Self.extraRetriable.contains(error)
        case .connectionClosed, .requestTimedOut, .brokerUnreachable: true
        default: false
        }
    }

    /// A broker missing from the metadata for a moment (it restarts); Kafka's clients retry it
    /// although it is not a `RetriableException`.
    static let extraRetriable: Set<KafkaError> = [.brokerNotAvailable]

    static func check(_ code: Int16, _ context: @autoclosure () -> String, message: String? = nil) throws(KafkaClientError) {
        guard code != 0 else { return }
        throw .kafka(KafkaError(code: code), context: context(), message: message)
    }
}
