import BrokerEngine
import KafkaProtocol
import NIOCore

/// SyncGroup (14), v0-5, classic protocol.
///
/// The leader's request carries every member's assignment; each member's SyncGroup is
/// held until the leader's arrives and is answered with its own part. v3+ static members
/// (`GroupInstanceId`); v5+ protocol type and name, checked against the group's and
/// echoed in the response (KIP-559). A member id the leader names twice keeps the last
/// assignment, as Kafka's map does.
struct SyncGroupHandler: ApiHandler {
    typealias Request = SyncGroupRequest
    var versions: ClosedRange<Int16> { 0...5 }

    func handle(_ request: SyncGroupRequest, context: RequestContext) async -> SyncGroupResponse? {
        if request.groupId.isEmpty { return SyncGroupResponse(errorCode: KafkaError.invalidGroupId.code) }
        if let error = context.notCoordinatorError(forGroup: request.groupId) {
            return SyncGroupResponse(errorCode: error.code)
        }
        let assignments = Dictionary(
            request.assignments.map { ($0.memberId, Array($0.assignment.readableBytesView)) },
            uniquingKeysWith: { _, last in last })
        let result = await context.cluster.groups.syncGroup(
            groupId: request.groupId, generationId: request.generationId, memberId: request.memberId,
            groupInstanceId: request.groupInstanceId, protocolType: request.protocolType,
            protocolName: request.protocolName, assignments: assignments)
        switch result {
        case .success(let synced):
            return SyncGroupResponse(errorCode: KafkaError.none.code, protocolType: synced.protocolType,
                                     protocolName: synced.protocolName, assignment: ByteBuffer(bytes: synced.assignment))
        case .failure(let error):
            return SyncGroupResponse(errorCode: error.kafkaError.code)
        }
    }
}
