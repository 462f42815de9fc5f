import BrokerEngine
import KafkaProtocol
import NIOCore

/// DescribeGroups (15), v0-5 (v6 answers GROUP_ID_NOT_FOUND with a message, KIP-1043).
///
/// Each group is answered on its own: NOT_COORDINATOR with an empty description on the
/// wrong broker; an unknown group is state "Dead" with no error, as Kafka answers before
/// v6. Members' metadata and assignment, and the protocol name, are filled only while the
/// group is Stable (Kafka's `GroupMetadata.summary`). v3+ `IncludeAuthorizedOperations`
/// answers every group operation, as Kafka does without an authorizer.
struct DescribeGroupsHandler: ApiHandler {
    typealias Request = DescribeGroupsRequest
    var versions: ClosedRange<Int16> { 0...5 }

    /// READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS (AclOperation codes 3, 6,
    /// 8, 10, 11) as a bit field: Kafka's `AclEntry.supportedOperations(GROUP)`.
    static let allGroupOperations: Int32 = (1 << 3) | (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11)

    func handle(_ request: DescribeGroupsRequest, context: RequestContext) async -> DescribeGroupsResponse? {
        var local: [String] = []
        var answers: [String: DescribeGroupsResponse.DescribedGroup] = [:]
        for groupId in request.groups {
            if let error = context.notCoordinatorError(forGroup: groupId) {
                answers[groupId] = DescribeGroupsResponse.DescribedGroup(errorCode: error.code, groupId: groupId)
            } else {
                local.append(groupId)
            }
        }
        let includeOperations = context.apiVersion >= 3 && request.includeAuthorizedOperations
        for description in context.cluster.groups.describeGroups(local) {
            answers[description.groupId] = Self.described(description, includeOperations: includeOperations)
        }
        return DescribeGroupsResponse(groups: request.groups.compactMap { answers[$0] })
    }

    static func described(_ group: GroupDescription, includeOperations: Bool) -> DescribeGroupsResponse.DescribedGroup {
        // The engine reports an unknown group as Dead with GROUP_ID_NOT_FOUND; before v6
        // Kafka answers it as Dead with no error.
        let error = group.error == .groupIdNotFound ? KafkaError.none : group.error?.kafkaError ?? .none
        var described = DescribeGroupsResponse.DescribedGroup(
            errorCode: error.code, errorMessage: nil, groupId: group.groupId,
            groupState: group.state.rawValue, protocolType: group.protocolType, protocolData: group.protocolName,
            members: group.members.map {
                .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId,
                      clientHost: $0.clientHost, memberMetadata: ByteBuffer(bytes: $0.metadata),
                      memberAssignment: ByteBuffer(bytes: $0.assignment))
            })
        if includeOperations && error == .none { described.authorizedOperations = allGroupOperations }
        return described
    }
}
