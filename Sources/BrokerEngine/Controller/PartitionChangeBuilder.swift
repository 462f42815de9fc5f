import KafkaProtocol

/// Works out one partition's next leader and ISR, after Kafka's `PartitionChangeBuilder`
/// (ReplicationControlManager hands it the target ISR and the election type):
///
/// - The target ISR may not become empty by removing a broker: the last member stays, so
///   when it comes back it is still a clean leader (Kafka's `build()` writes a new ISR
///   only when the target is non-empty; KIP-966's ELR, which allows an empty ISR, is not
///   modelled).
/// - A *preferred* election picks `replicas[0]` when it is acceptable and in the ISR.
/// - Otherwise the current leader stays if it is acceptable and in the ISR; else the
///   first replica, in assignment order, that is acceptable and in the ISR (Kafka's
///   `electLeader` walks the replicas, not the ISR, so preference order wins).
/// - With no such replica the partition goes offline (leader -1), unless unclean election
///   is allowed: then the first acceptable replica leads and the ISR is just it
///   (`unclean.leader.election.enable`, accepting data loss).
/// - A leader change bumps the leader epoch; any change bumps the partition epoch.
struct PartitionChangeBuilder {
    enum Election { case clean, preferred }

    let topicId: KafkaUUID
    let partitionId: Int32
    let current: PartitionRegistration
    /// Whether a broker may lead or be added to the ISR (unfenced, not shutting down).
    let isAcceptable: (Int32) -> Bool
    var targetIsr: [Int32]
    var election: Election = .clean
    var uncleanAllowed = false

    init(topicId: KafkaUUID, partitionId: Int32, current: PartitionRegistration, isAcceptable: @escaping (Int32) -> Bool) {
        self.topicId = topicId
        self.partitionId = partitionId
        self.current = current
        self.isAcceptable = isAcceptable
        self.targetIsr = current.isr
    }

    /// Takes `broker` out of the ISR unless it is the last member.
    mutating func removeFromIsr(_ broker: Int32) {
        let without = targetIsr.filter { $0 != broker }
        if !without.isEmpty { targetIsr = without }
    }

    /// The change record, or nil when nothing changes.
    func build() -> PartitionChange? {
        var isr = targetIsr
        var leader = electLeader(isr: isr)
        if leader == PartitionRegistration.noLeader && uncleanAllowed,
           let anyLive = current.replicas.first(where: isAcceptable) {
            leader = anyLive
            isr = [anyLive]
        }
        let leaderChanged = leader != current.leader
        guard leaderChanged || isr != current.isr else { return nil }
        return PartitionChange(
            topicId: topicId, partition: partitionId, isr: isr != current.isr ? isr : nil,
            leader: leaderChanged ? leader : nil,
            leaderEpoch: leaderChanged ? current.leaderEpoch + 1 : current.leaderEpoch,
            partitionEpoch: current.partitionEpoch + 1)
    }

    private func electLeader(isr: [Int32]) -> Int32 {
        let eligible = { (broker: Int32) in isr.contains(broker) && isAcceptable(broker) }
        if election == .preferred, let preferred = current.replicas.first, eligible(preferred) { return preferred }
        if current.leader != PartitionRegistration.noLeader && eligible(current.leader) { return current.leader }
        return current.replicas.first(where: eligible) ?? PartitionRegistration.noLeader
    }
}
