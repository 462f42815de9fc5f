import BrokerEngine
import KafkaProtocol

/// The resource types of the config APIs (Kafka's `ConfigResource.Type`). Wharf serves
/// topics and brokers; the others are answered with INVALID_REQUEST.
enum ConfigResourceType: Int8 {
    case unknown = 0, topic = 2, broker = 4, brokerLogger = 8, clientMetrics = 16, group = 32

    /// Kafka's name, for error messages ("Unsupported resource type: BROKER_LOGGER").
    static func name(_ code: Int8) -> String {
        switch ConfigResourceType(rawValue: code) {
        case .topic: "TOPIC"
        case .broker: "BROKER"
        case .brokerLogger: "BROKER_LOGGER"
        case .clientMetrics: "CLIENT_METRICS"
        case .group: "GROUP"
        case .unknown, nil: "UNKNOWN"
        }
    }
}

/// Why one resource of a config API failed: its error code and message.
struct ConfigResourceError: Error, Equatable {
    var code: Int16
    var message: String?

    init(_ error: KafkaError, _ message: String) {
        code = error.code
        self.message = message
    }

    init(_ error: ControllerError) {
        code = error.kafkaCode
        message = error.description
    }

    /// A resource of a type other than topic or broker.
    static func unsupported(_ type: Int8) -> ConfigResourceError {
        ConfigResourceError(.invalidRequest, "Unsupported resource type: \(ConfigResourceType.name(type))")
    }

    /// The in-process cluster's broker configs are fixed when it starts, so AlterConfigs and
    /// IncrementalAlterConfigs refuse to change them, as Kafka refuses a config that is not
    /// dynamically updatable ("Cannot update these configs dynamically", INVALID_REQUEST).
    /// Nil (success) when there is nothing to change.
    static func alteringBrokerConfigs(_ names: [String]) -> ConfigResourceError? {
        guard !names.isEmpty else { return nil }
        return ConfigResourceError(
            .invalidRequest,
            "Cannot update these configs dynamically: \(names.joined(separator: ", ")) "
                + "(broker configs of a Wharf cluster are fixed when it starts)")
    }
}
