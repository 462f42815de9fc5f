import BrokerEngine
import KafkaProtocol

/// DeleteGroups (42), v0-2: each group is deleted with its offsets only when Empty
/// (NON_EMPTY_GROUP otherwise); GROUP_ID_NOT_FOUND for an unknown group, NOT_COORDINATOR
/// on the wrong broker. An empty group id is allowed, as Kafka allows it for backwards
/// compatibility (it is simply not found unless offsets were committed under it).
struct DeleteGroupsHandler: ApiHandler {
    typealias Request = DeleteGroupsRequest
    var versions: ClosedRange<Int16> { 0...2 }

    func handle(_ request: DeleteGroupsRequest, context: RequestContext) async -> DeleteGroupsResponse? {
        var errors: [String: KafkaError] = [:]
        var local: [String] = []
        for groupId in request.groupsNames {
            if let error = context.notCoordinatorError(forGroup: groupId) {
                errors[groupId] = error
            } else if !local.contains(groupId) {
                local.append(groupId)
            }
        }
        for result in context.cluster.groups.deleteGroups(local) {
            errors[result.groupId] = result.error?.kafkaError ?? KafkaError.none
        }
        return DeleteGroupsResponse(results: request.groupsNames.map {
            DeleteGroupsResponse.DeletableGroupResult(groupId: $0, errorCode: (errors[$0] ?? .none).code)
        })
    }
}
