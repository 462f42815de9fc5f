import BrokerEngine
import Logging

extension KafkaServer {
    /// Binds one listener per broker of `cluster`, then serves the Kafka protocol with the
    /// standard handlers, advertising each broker at the address it bound (known only after
    /// binding when ports are picked by the system). On failure nothing is left bound.
    public static func serve(cluster: Cluster, configuration: KafkaServerConfiguration,
                             logger: Logger = Logger(label: "wharf.server")) async throws -> KafkaServer {
        let server = KafkaServer(configuration: configuration, logger: logger)
        do {
            try await server.bind()
            let endpoints = server.advertisedListeners.mapValues { BrokerEndpoint(host: $0.host, port: $0.port) }
            let router = ApiRouter(broker: BrokerContext(cluster: cluster, endpoints: { endpoints }), logger: logger)
            try await server.start(dispatcher: router)
        } catch {
            await server.shutdown()
            throw error
        }
        return server
    }
}
