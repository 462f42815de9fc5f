import BrokerEngine
import Logging

extension KafkaServer {
    /// Binds one listener per broker of `cluster`, then serves the Kafka protocol with the
    /// standard handlers, advertising each broker at the address it bound (known only after
    /// binding when ports are picked by the system). On failure nothing is left bound.
    ///
    /// Each listener follows its broker, as a Kafka broker's socket server does: when the
    /// broker stops, its port refuses connections and its connections close; when it starts
    /// again, it listens on the same port. A broker with no listener here (not running when
    /// the server started, such as one the metadata remembers from a larger cluster) gets
    /// none when it starts.
    public static func serve(cluster: Cluster, configuration: KafkaServerConfiguration,
                             logger: Logger = Logger(label: "wharf.server")) async throws -> KafkaServer {
        let server = KafkaServer(configuration: configuration, logger: logger)
        do {
            try await server.bind()
            let endpoints = server.advertisedListeners.mapValues { BrokerEndpoint(host: $0.host, port: $0.port) }
            let router = ApiRouter(broker: BrokerContext(cluster: cluster, endpoints: { endpoints }), logger: logger)
            server.follow(cluster)
            try await server.start(dispatcher: router)
        } catch {
            await server.shutdown()
            throw error
        }
        return server
    }

    /// Opens and closes the listeners as `cluster`'s brokers start and stop, until shutdown.
    private func follow(_ cluster: Cluster) {
        let (running, subscription) = cluster.observeBrokers { [weak self] event in
            guard let self else { return }
            switch event {
            case .started(let id):
                self.setListener(id, .open)
            case .stopped(let id, let controlled):
                self.setListener(id, .closed(graceful: controlled))
            }
        }
        onShutdown { subscription.cancel() }
        // Brokers that stopped between the caller choosing the ids and the subscription.
        for id in configuration.brokerIds where !running.contains(id) {
            setListener(id, .closed(graceful: true))
        }
    }
}
