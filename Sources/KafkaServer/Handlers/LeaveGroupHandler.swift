import BrokerEngine
import KafkaProtocol

/// LeaveGroup (13), v0-5, classic protocol.
///
/// v0-2 name one member (`MemberId`) and answer its error at the top level. v3+ (KIP-345)
/// name a batch of members, by member id or by instance id alone (an admin removing static
/// members), and answer each member's error in `Members`; the top-level error is then only
/// a group-level one. v5's per-member `Reason` is accepted and not kept.
struct LeaveGroupHandler: ApiHandler {
    typealias Request = LeaveGroupRequest
    var versions: ClosedRange<Int16> { 0...5 }

    func handle(_ request: LeaveGroupRequest, context: RequestContext) async -> LeaveGroupResponse? {
        if request.groupId.isEmpty { return LeaveGroupResponse(errorCode: KafkaError.invalidGroupId.code) }
        if let error = context.notCoordinatorError(forGroup: request.groupId) {
            return LeaveGroupResponse(errorCode: error.code)
        }
        let batched = context.apiVersion >= 3
        let leaving = batched
            ? request.members.map { LeavingMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId) }
            : [LeavingMember(memberId: request.memberId)]
        switch context.cluster.groups.leaveGroup(groupId: request.groupId, members: leaving) {
        case .failure(let error):
            return LeaveGroupResponse(errorCode: error.kafkaError.code)
        case .success(let results) where batched:
            return LeaveGroupResponse(errorCode: KafkaError.none.code, members: results.map {
                LeaveGroupResponse.MemberResponse(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId,
                                                  errorCode: $0.error?.kafkaCode ?? KafkaError.none.code)
            })
        case .success(let results):
            return LeaveGroupResponse(errorCode: results.first?.error?.kafkaCode ?? KafkaError.none.code)
        }
    }
}
