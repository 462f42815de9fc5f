import BrokerEngine
import KafkaProtocol

/// ListGroups (16), v0-5: the groups this broker coordinates (admin clients ask every
/// broker and merge the answers, so a group must be listed by its coordinator only).
///
/// v4+ filters by state (KIP-518) and v5+ by type (KIP-848), both case-insensitively; a
/// name that matches nothing lists nothing. Every Wharf group is a `classic` one.
struct ListGroupsHandler: ApiHandler {
    typealias Request = ListGroupsRequest
    var versions: ClosedRange<Int16> { 0...5 }

    /// The type of every group here (`Group.GroupType.CLASSIC` in Kafka).
    static let classicGroupType = "classic"

    func handle(_ request: ListGroupsRequest, context: RequestContext) async -> ListGroupsResponse? {
        let states = Set(request.statesFilter.map { $0.lowercased() })
        let types = Set(request.typesFilter.map { $0.lowercased() })
        guard types.isEmpty || types.contains(Self.classicGroupType) else { return ListGroupsResponse(groups: []) }
        let listed = context.cluster.groups.listGroups()
            .filter { states.isEmpty || states.contains($0.state.rawValue.lowercased()) }
            .filter { context.notCoordinatorError(forGroup: $0.groupId) == nil }
        return ListGroupsResponse(errorCode: KafkaError.none.code, groups: listed.map {
            ListGroupsResponse.ListedGroup(groupId: $0.groupId, protocolType: $0.protocolType,
                                           groupState: $0.state.rawValue, groupType: Self.classicGroupType)
        })
    }
}
