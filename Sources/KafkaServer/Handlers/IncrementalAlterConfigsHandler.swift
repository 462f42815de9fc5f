import BrokerEngine
import KafkaProtocol

/// IncrementalAlterConfigs (44), v0–1 (KIP-339): per config, SET (0), DELETE (1, back to
/// the default), APPEND (2) or SUBTRACT (3) — the last two on list configs only
/// (`cleanup.policy`, the throttled-replica lists), else INVALID_CONFIG. Applied in order
/// to the topic's overrides and validated as a whole; a name given twice or an unknown
/// operation is INVALID_REQUEST, an unknown topic UNKNOWN_TOPIC_OR_PARTITION. validateOnly
/// changes nothing.
///
/// Broker resources (type 4) are refused with INVALID_REQUEST unless they change nothing:
/// the in-process cluster's broker configs are fixed when it starts. Other resource types
/// are INVALID_REQUEST.
struct IncrementalAlterConfigsHandler: ApiHandler {
    typealias Request = IncrementalAlterConfigsRequest
    var versions: ClosedRange<Int16> { 0...1 }

    func handle(_ request: IncrementalAlterConfigsRequest, context: RequestContext) async -> IncrementalAlterConfigsResponse? {
        let responses = request.resources.map { resource -> IncrementalAlterConfigsResponse.AlterConfigsResourceResponse in
            let error = alter(resource, validateOnly: request.validateOnly, controller: context.cluster.controller)
            return .init(errorCode: error?.code ?? 0, errorMessage: error?.message, resourceType: resource.resourceType,
                         resourceName: resource.resourceName)
        }
        return IncrementalAlterConfigsResponse(responses: responses)
    }

    private func alter(_ resource: IncrementalAlterConfigsRequest.AlterConfigsResource, validateOnly: Bool,
                       controller: Controller) -> ConfigResourceError? {
        switch ConfigResourceType(rawValue: resource.resourceType) {
        case .topic:
            var ops: [AlterConfigOp] = []
            for config in resource.configs {
                switch Self.operation(config) {
                case .success(let op): ops.append(op)
                case .failure(let error): return error
                }
            }
            do {
                try controller.incrementalAlterConfigs(topic: resource.resourceName, ops, validateOnly: validateOnly)
                return nil
            } catch {
                return ConfigResourceError(error)
            }
        case .broker:
            return .alteringBrokerConfigs(resource.configs.map(\.name))
        default:
            return .unsupported(resource.resourceType)
        }
    }

    static func operation(_ config: IncrementalAlterConfigsRequest.AlterableConfig) -> Result<AlterConfigOp, ConfigResourceError> {
        if config.configOperation == 1 { return .success(.delete(config.name)) }
        guard (0...3).contains(config.configOperation) else {
            return .failure(ConfigResourceError(.invalidRequest, "Unknown alter config operation type \(config.configOperation)"))
        }
        guard let value = config.value else {
            return .failure(ConfigResourceError(.invalidRequest, "Null value not supported for : \(config.name)"))
        }
        switch config.configOperation {
        case 0: return .success(.set(config.name, value))
        case 2: return .success(.append(config.name, value))
        default: return .success(.subtract(config.name, value))
        }
    }
}
