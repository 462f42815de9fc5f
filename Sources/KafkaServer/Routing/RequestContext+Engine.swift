import BrokerEngine
import KafkaProtocol
import LogStore

extension RequestContext {
    /// The broker that received the request, while it is running; a stopped broker's
    /// requests answer NOT_LEADER_OR_FOLLOWER so clients refresh metadata and move on.
    var runningBroker: Broker? {
        guard let broker = cluster.broker(brokerId), !broker.isStopped else { return nil }
        return broker
    }

    /// The partition's current leader and epoch (for the tagged CurrentLeader fields that
    /// let clients skip a metadata round trip after a failover).
    func currentLeader(_ tp: TopicPartition) -> (id: Int32, epoch: Int32)? {
        guard let registration = cluster.controller.image.partition(tp) else { return nil }
        return (registration.leader, registration.leaderEpoch)
    }
}
