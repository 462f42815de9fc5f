import BrokerEngine
import KafkaProtocol

/// AlterConfigs (33), v0–2: the legacy, non-incremental API. A topic's overrides become
/// exactly the configs given (left-out names go back to their defaults; a null value is
/// left out), validated as a whole: an unknown name or a bad value is INVALID_CONFIG, an
/// unknown topic UNKNOWN_TOPIC_OR_PARTITION. validateOnly changes nothing.
///
/// Broker resources (type 4) are refused with INVALID_REQUEST unless they change nothing:
/// the in-process cluster's broker configs are fixed when it starts. Other resource types
/// are INVALID_REQUEST.
struct AlterConfigsHandler: ApiHandler {
    typealias Request = AlterConfigsRequest
    var versions: ClosedRange<Int16> { 0...2 }

    func handle(_ request: AlterConfigsRequest, context: RequestContext) async -> AlterConfigsResponse? {
        let responses = request.resources.map { resource -> AlterConfigsResponse.AlterConfigsResourceResponse in
            let error = alter(resource, validateOnly: request.validateOnly, controller: context.cluster.controller)
            return .init(errorCode: error?.code ?? 0, errorMessage: error?.message, resourceType: resource.resourceType,
                         resourceName: resource.resourceName)
        }
        return AlterConfigsResponse(responses: responses)
    }

    private func alter(_ resource: AlterConfigsRequest.AlterConfigsResource, validateOnly: Bool,
                       controller: Controller) -> ConfigResourceError? {
        switch ConfigResourceType(rawValue: resource.resourceType) {
        case .topic:
            let configs = Dictionary(resource.configs.compactMap { config in config.value.map { (config.name, $0) } },
                                     uniquingKeysWith: { _, last in last })
            do {
                try controller.alterConfigs(topic: resource.resourceName, configs, validateOnly: validateOnly)
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
}
