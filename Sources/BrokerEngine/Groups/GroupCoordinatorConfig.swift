/// The group coordinator's settings, named after Kafka's broker configs.
public struct GroupCoordinatorConfig: Sendable, Hashable {
    /// `group.initial.rebalance.delay.ms`. Kafka defaults to 3000 so that a fleet of
    /// consumers starting together lands in one rebalance. Wharf runs mostly one or two
    /// local consumers, and real clients showed the 3 s wait is what makes group tests
    /// slow (PROTOCOL-NOTES.md §5: the second JoinGroup is held for the whole delay), so
    /// the default here is 100 ms; the delay still extends while new members keep
    /// arriving, up to the rebalance timeout.
    public var initialRebalanceDelayMs: Int64 = 100
    /// `group.min.session.timeout.ms` (Kafka: 6000).
    public var minSessionTimeoutMs: Int32 = 6_000
    /// `group.max.session.timeout.ms` (Kafka: 1800000).
    public var maxSessionTimeoutMs: Int32 = 1_800_000
    /// `group.max.size` (Kafka: Int.MaxValue).
    public var maxGroupSize: Int = Int(Int32.max)
    /// How long a brand-new member may wait in JoinGroup before it is dropped (Kafka's
    /// `GroupCoordinator.NewMemberJoinTimeoutMs`, 5 minutes, KIP-394).
    public var newMemberJoinTimeoutMs: Int64 = 300_000
    /// `offsets.retention.ms` (Kafka: 7 days, KIP-211 semantics).
    public var offsetsRetentionMs: Int64 = 7 * 24 * 60 * 60 * 1000
    /// `offsets.retention.check.interval.ms` (Kafka: 600000).
    public var offsetsRetentionCheckIntervalMs: Int64 = 600_000
    /// `offset.metadata.max.bytes` (Kafka: 4096).
    public var offsetMetadataMaxBytes: Int = 4096

    public init() {}
}
