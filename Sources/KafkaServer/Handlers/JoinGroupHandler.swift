import BrokerEngine
import KafkaProtocol
import NIOCore

/// JoinGroup (11), v0-9, classic protocol.
///
/// - v0 has no rebalance timeout: the session timeout bounds the rebalance, as in Kafka.
/// - v4+ (KIP-394): an unknown member without an instance id gets MEMBER_ID_REQUIRED and
///   an id to rejoin with; older versions join at once.
/// - The answer is held until the rebalance completes (every member rejoined, or the
///   rebalance timeout passed): the handler awaits the coordinator.
/// - v5+ static membership (`GroupInstanceId`, KIP-345); v7+ protocol type and name in the
///   response; v8+ `Reason` (logged by the coordinator); v9+ `SkipAssignment` (KIP-814).
/// - The protocols' metadata is opaque and passed through; only the leader's answer lists
///   the members with their metadata for the chosen protocol.
struct JoinGroupHandler: ApiHandler {
    typealias Request = JoinGroupRequest
    var versions: ClosedRange<Int16> { 0...9 }

    func handle(_ request: JoinGroupRequest, context: RequestContext) async -> JoinGroupResponse? {
        let version = context.apiVersion
        if request.groupId.isEmpty {
            return Self.failure(.invalidGroupId, memberId: request.memberId, version: version)
        }
        if let error = context.notCoordinatorError(forGroup: request.groupId) {
            return Self.failure(error, memberId: request.memberId, version: version)
        }
        let protocols = request.protocols.map { MemberProtocol(name: $0.name, metadata: Array($0.metadata.readableBytesView)) }
        let result = await context.cluster.groups.joinGroup(
            groupId: request.groupId, memberId: request.memberId, groupInstanceId: request.groupInstanceId,
            clientId: context.clientId, clientHost: context.clientHost, protocolType: request.protocolType,
            protocols: protocols, sessionTimeoutMs: request.sessionTimeoutMs,
            rebalanceTimeoutMs: version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
            requireKnownMemberId: version >= 4, supportsSkippingAssignment: version >= 9, reason: request.reason)
        switch result {
        case .success(let joined):
            return JoinGroupResponse(
                errorCode: KafkaError.none.code, generationId: joined.generationId,
                protocolType: joined.protocolType,
                protocolName: joined.protocolName ?? (version >= 7 ? nil : ""),
                leader: joined.leaderId, skipAssignment: joined.skipAssignment, memberId: joined.memberId,
                members: joined.members.map {
                    JoinGroupResponse.JoinGroupResponseMember(
                        memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: ByteBuffer(bytes: $0.metadata))
                })
        case .failure(.memberIdRequired(let memberId)):
            return Self.failure(.memberIdRequired, memberId: memberId, version: version)
        case .failure(let error):
            return Self.failure(error.kafkaError, memberId: request.memberId, version: version)
        }
    }

    /// Kafka's error answer: generation -1, no leader, no members; the member id echoed
    /// (or, for MEMBER_ID_REQUIRED, the id to rejoin with). `ProtocolName` is nullable only
    /// from v7.
    static func failure(_ error: KafkaError, memberId: String, version: Int16) -> JoinGroupResponse {
        JoinGroupResponse(errorCode: error.code, generationId: -1, protocolType: nil,
                          protocolName: version >= 7 ? nil : "", leader: "", memberId: memberId, members: [])
    }
}
