import BrokerEngine
import KafkaProtocol

/// Where a broker can be reached, as Metadata and FindCoordinator advertise it.
public struct BrokerEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// What the broker serving a request knows: the engine, its own id, the listeners of every
/// broker, and who asked.
public struct BrokerContext: Sendable {
    public var cluster: Cluster
    /// Advertised listeners by broker id (each in-process broker has its own port).
    public var endpoints: @Sendable () -> [Int32: BrokerEndpoint]

    public init(cluster: Cluster, endpoints: @escaping @Sendable () -> [Int32: BrokerEndpoint]) {
        self.cluster = cluster
        self.endpoints = endpoints
    }
}

public struct RequestContext: Sendable {
    public var broker: BrokerContext
    /// The broker that received the request.
    public var brokerId: Int32
    public var header: RequestHeader
    public var connection: KafkaConnectionInfo

    public var cluster: Cluster { broker.cluster }
    public var apiVersion: Int16 { header.requestApiVersion }
    public var clientId: String { header.clientId ?? "" }

    public init(broker: BrokerContext, brokerId: Int32, header: RequestHeader, connection: KafkaConnectionInfo) {
        self.broker = broker
        self.brokerId = brokerId
        self.header = header
        self.connection = connection
    }
}
