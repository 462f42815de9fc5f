import BrokerEngine
import KafkaProtocol

/// Heartbeat (12), v0-4, classic protocol: keeps the member's session alive.
/// REBALANCE_IN_PROGRESS tells a member to rejoin; v3+ static members (`GroupInstanceId`).
struct HeartbeatHandler: ApiHandler {
    typealias Request = HeartbeatRequest
    var versions: ClosedRange<Int16> { 0...4 }

    func handle(_ request: HeartbeatRequest, context: RequestContext) async -> HeartbeatResponse? {
        if request.groupId.isEmpty { return HeartbeatResponse(errorCode: KafkaError.invalidGroupId.code) }
        if let error = context.notCoordinatorError(forGroup: request.groupId) {
            return HeartbeatResponse(errorCode: error.code)
        }
        let result = context.cluster.groups.heartbeat(
            groupId: request.groupId, memberId: request.memberId, groupInstanceId: request.groupInstanceId,
            generationId: request.generationId)
        switch result {
        case .success: return HeartbeatResponse(errorCode: KafkaError.none.code)
        case .failure(let error): return HeartbeatResponse(errorCode: error.kafkaError.code)
        }
    }
}
