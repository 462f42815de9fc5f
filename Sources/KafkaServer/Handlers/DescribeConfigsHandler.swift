import BrokerEngine
import KafkaProtocol

/// DescribeConfigs (32), v1–4 (Kafka 4.x's range).
///
/// - Topics (resource type 2): every topic config with its value, source
///   (DYNAMIC_TOPIC_CONFIG = 1 for the topic's override, DEFAULT_CONFIG = 5 for Kafka's
///   default, STATIC_BROKER_CONFIG = 4 where the cluster changed the default), type (v3+)
///   and, when asked, synonyms and documentation. An illegal name is
///   INVALID_TOPIC_EXCEPTION, an unknown topic UNKNOWN_TOPIC_OR_PARTITION.
/// - Brokers (type 4): this broker's configs (`Cluster.describeBrokerConfigs`: the
///   settings the cluster runs with under Kafka's names, all read-only, source 4 or 5).
///   As in Kafka the name must be the receiving broker's id; the empty name (the
///   cluster-wide dynamic defaults) lists nothing, since Wharf has no dynamic broker
///   configs. Another id is INVALID_REQUEST.
/// - Other types (broker loggers, client metrics, groups): INVALID_REQUEST.
///
/// `configurationKeys` filters the configs (null or empty lists all, as in Kafka's
/// `ConfigHelper`; unknown keys are left out).
struct DescribeConfigsHandler: ApiHandler {
    typealias Request = DescribeConfigsRequest
    typealias Result = DescribeConfigsResponse.DescribeConfigsResult
    var versions: ClosedRange<Int16> { 1...4 }

    func handle(_ request: DescribeConfigsRequest, context: RequestContext) async -> DescribeConfigsResponse? {
        let results = request.resources.map { resource -> Result in
            var result = Result(errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            switch entries(resource, context: context) {
            case .success(let entries):
                let keys = resource.configurationKeys.flatMap { $0.isEmpty ? nil : Set($0) }
                result.configs = entries.filter { keys?.contains($0.name) ?? true }.map {
                    Self.config($0, synonyms: request.includeSynonyms, documentation: request.includeDocumentation)
                }
            case .failure(let error):
                result.errorCode = error.code
                result.errorMessage = error.message
            }
            return result
        }
        return DescribeConfigsResponse(results: results)
    }

    private func entries(_ resource: DescribeConfigsRequest.DescribeConfigsResource,
                         context: RequestContext) -> Swift.Result<[ConfigEntry], ConfigResourceError> {
        let name = resource.resourceName
        switch ConfigResourceType(rawValue: resource.resourceType) {
        case .topic:
            if let problem = TopicName.problem(name) { return .failure(ConfigResourceError(.invalidTopicException, problem)) }
            do { return .success(try context.cluster.controller.describeConfigs(topic: name)) } catch {
                return .failure(ConfigResourceError(error))
            }
        case .broker:
            if name.isEmpty { return .success([]) }
            guard let id = Int32(name) else {
                return .failure(ConfigResourceError(.invalidRequest, "Broker id must be an integer, but it is: \(name)"))
            }
            guard id == context.brokerId else {
                return .failure(ConfigResourceError(.invalidRequest,
                                                   "Unexpected broker id, expected \(context.brokerId) or empty string, but received \(name)"))
            }
            return .success(context.cluster.describeBrokerConfigs(brokerId: id))
        default:
            return .failure(.unsupported(resource.resourceType))
        }
    }

    static func config(_ entry: ConfigEntry, synonyms: Bool, documentation: Bool) -> DescribeConfigsResponse.DescribeConfigsResourceResult {
        .init(name: entry.name, value: entry.isSensitive ? nil : entry.value, readOnly: entry.isReadOnly,
              configSource: entry.source.rawValue, isSensitive: entry.isSensitive,
              synonyms: synonyms ? entry.synonyms.map { .init(name: $0.name, value: $0.value, source: $0.source.rawValue) } : [],
              configType: entry.type.rawValue, documentation: documentation ? entry.documentation : nil)
    }
}
