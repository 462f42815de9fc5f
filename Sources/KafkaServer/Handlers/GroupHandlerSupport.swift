import BrokerEngine
import KafkaProtocol

// What the group handlers share: who coordinates a group, the engine's errors as Kafka
// codes, and the client host Kafka records.

extension RequestContext {
    /// The broker coordinating `groupId`: the leader of the group's `__consumer_offsets`
    /// partition (FindCoordinator's answer), nil while that partition has no running leader.
    func groupCoordinatorId(forGroup groupId: String) -> Int32? {
        cluster.groupCoordinatorId(forGroup: groupId)
    }

    /// NOT_COORDINATOR when this broker does not coordinate `groupId`, so the client asks
    /// FindCoordinator again (Kafka answers so for a partition it does not lead); nil when it does.
    func notCoordinatorError(forGroup groupId: String) -> KafkaError? {
        groupCoordinatorId(forGroup: groupId) == brokerId ? nil : .notCoordinator
    }

    /// The client's address as Kafka records it for members (`InetAddress.toString`:
    /// "/127.0.0.1"), from the connection's `host:port` (IPv6 hosts in brackets).
    var clientHost: String {
        var host = Substring(connection.peer)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            host = host[..<colon]
        }
        return "/" + host
    }
}

extension GroupError {
    /// The wire error; converted here, at the handler edge, as STYLE.md asks.
    var kafkaError: KafkaError { KafkaError(code: kafkaCode) }
}
