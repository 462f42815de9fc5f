import KafkaServer
import Logging

/// Runs `body` against a server on free ports of 127.0.0.1, and always shuts it down.
func withServer<T>(brokerIds: [Int32] = [1], dispatcher: any KafkaRequestDispatching, logger: Logger = Logger(label: "test"),
                   configure: (inout KafkaServerConfiguration) -> Void = { _ in },
                   _ body: (KafkaServer) async throws -> T) async throws -> T {
    var configuration = KafkaServerConfiguration(brokerIds: brokerIds)
    configuration.basePort = 0
    configure(&configuration)
    let server = try await KafkaServer.start(configuration: configuration, dispatcher: dispatcher, logger: logger)
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

extension KafkaServer {
    /// The port broker `id` listens on.
    func port(_ id: Int32 = 1) -> Int { advertisedListeners[id]!.port }
}
