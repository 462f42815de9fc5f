import BrokerEngine
import KafkaProtocol

/// DescribeCluster (60), v0–1 (v2, which lists fenced brokers, is not served).
///
/// Brokers: those running and registered live with the controller (unfenced or in
/// controlled shutdown, Kafka's "alive" brokers) that have a listener, with its host and
/// port and the broker's rack. Cluster id: the controller's, in Kafka's base64 form.
///
/// Controller id: Wharf's controller runs inside the process and has no listener a client
/// could reach, so — like a KRaft broker, which answers a random live broker there, since
/// clients send controller-bound requests to brokers (KIP-590) — it answers a live broker:
/// the lowest id, so the answer is stable. -1 when no broker is live.
///
/// v1 endpoint type: brokers (1) only. Asking for controllers (2) is MISMATCHED_ENDPOINT_TYPE,
/// any other type UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at v0), as in Kafka.
/// Authorized operations, when asked for, are every cluster operation (no ACLs).
struct DescribeClusterHandler: ApiHandler {
    typealias Request = DescribeClusterRequest
    var versions: ClosedRange<Int16> { 0...1 }

    /// MISMATCHED_ENDPOINT_TYPE (114) and UNSUPPORTED_ENDPOINT_TYPE (115), Kafka 3.7+.
    static let mismatchedEndpointType = KafkaError.mismatchedEndpointType
    static let unsupportedEndpointType = KafkaError.unsupportedEndpointType

    /// Kafka's `AclEntry.supportedOperations(CLUSTER)`: CREATE (5), ALTER (7), DESCRIBE (8),
    /// CLUSTER_ACTION (9), DESCRIBE_CONFIGS (10), ALTER_CONFIGS (11), IDEMPOTENT_WRITE (12),
    /// as a bit field.
    static let clusterOperations: Int32 = [5, 7, 8, 9, 10, 11, 12].reduce(0) { $0 | (1 << $1) }

    func handle(_ request: DescribeClusterRequest, context: RequestContext) async -> DescribeClusterResponse? {
        var response = DescribeClusterResponse(errorMessage: nil)
        guard request.endpointType == 1 else {
            let known = request.endpointType == 2
            response.errorCode = context.apiVersion == 0 ? KafkaError.invalidRequest.code
                : (known ? Self.mismatchedEndpointType : Self.unsupportedEndpointType).code
            response.errorMessage = known ? "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER"
                : "Unsupported endpoint type \(request.endpointType)"
            return response
        }
        let cluster = context.cluster
        let image = cluster.controller.image
        let endpoints = context.broker.endpoints()
        let running = Set(cluster.runningBrokerIds)
        response.brokers = image.brokers.values
            .filter { running.contains($0.id) && ($0.state == .unfenced || $0.state == .shuttingDown) }
            .sorted { $0.id < $1.id }
            .compactMap { broker in
                endpoints[broker.id].map {
                    .init(brokerId: broker.id, host: $0.host, port: Int32($0.port), rack: broker.rack)
                }
            }
        response.clusterId = cluster.controller.clusterId.description
        response.controllerId = response.brokers.first?.brokerId ?? -1
        if request.includeClusterAuthorizedOperations { response.clusterAuthorizedOperations = Self.clusterOperations }
        return response
    }
}
