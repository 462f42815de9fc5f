import KafkaProtocol

/// The versions this client speaks per API, and what one broker negotiated: for each API
/// the broker lists, min(our max, broker max), if that is not below both minimums.
///
/// Our ranges stop before versions whose semantics we do not implement: topic ids in
/// Fetch (13+), Produce (13+), OffsetCommit (10+), and OffsetFetch's multi-group
/// form (8+).
public struct ApiVersionTable: Sendable, Hashable {
    public static let supported: [ApiKey: ClosedRange<Int16>] = [
        .apiVersions: 0...3,
        .metadata: 1...12,
        .produce: 3...11,
        .fetch: 4...12,
        .listOffsets: 1...7,
        .findCoordinator: 0...5,
        .joinGroup: 0...9,
        .syncGroup: 0...5,
        .heartbeat: 0...4,
        .leaveGroup: 0...5,
        .offsetCommit: 2...9,
        .offsetFetch: 1...7,
        .listGroups: 0...5,
        .describeGroups: 0...5,
        .deleteGroups: 0...2,
        .createTopics: 2...7,
        .deleteTopics: 1...6,
        .createPartitions: 0...3,
        .describeConfigs: 1...4,
        .alterConfigs: 0...2,
        .incrementalAlterConfigs: 0...1,
    ]

    /// What the broker advertised, by API key.
    public let broker: [ApiKey: ClosedRange<Int16>]

    public init(broker: [ApiKey: ClosedRange<Int16>]) { self.broker = broker }

    init(response: ApiVersionsResponse) {
        var ranges: [ApiKey: ClosedRange<Int16>] = [:]
        for entry in response.apiKeys {
            guard let key = ApiKey(rawValue: entry.apiKey), entry.minVersion <= entry.maxVersion else { continue }
            ranges[key] = entry.minVersion...entry.maxVersion
        }
        self.init(broker: ranges)
    }

    /// Whether the broker serves `api` at some version we speak.
    public func supports(_ api: ApiKey) -> Bool { (try? version(for: api, address: "")) != nil }

    /// The version to send `api` at, or why there is none.
    public func version(for api: ApiKey, address: String) throws(KafkaClientError) -> Int16 {
        guard let ours = Self.supported[api] else { throw .unsupportedApi(address: address, api: api.name) }
        guard let theirs = broker[api] else { throw .unsupportedApi(address: address, api: api.name) }
        let chosen = min(ours.upperBound, theirs.upperBound)
        guard chosen >= ours.lowerBound, chosen >= theirs.lowerBound else {
            throw .noCommonVersion(address: address, api: api.name, ours: ours, broker: theirs)
        }
        return chosen
    }
}
