import BrokerEngine
import Foundation
import KafkaProtocol
import KafkaServer
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A real in-process cluster on a temporary directory (real time), and requests sent to its
/// brokers through the real router: encoded at a version, decoded by the handler, the
/// response encoded and decoded again — the wire path without the socket.
final class HandlerHarness: @unchecked Sendable {
    let root: URL
    let cluster: Cluster
    let router: ApiRouter
    private let nextCorrelationId = NIOLockedValueBox<Int32>(0)

    /// Broker `id` listens on port 9000 + id in what Metadata advertises.
    static func endpoints(_ ids: [Int32]) -> [Int32: BrokerEndpoint] {
        Dictionary(uniqueKeysWithValues: ids.map { ($0, BrokerEndpoint(host: "127.0.0.1", port: 9000 + Int($0))) })
    }

    init(brokers: Int = 3, configure: (inout ClusterOptions) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-handlers-\(UUID().uuidString)")
        var options = ClusterOptions(dataDirectory: root.path)
        options.brokerCount = brokers
        options.replication.replicaFetchWaitMaxMs = 20
        options.offsetsTopicPartitions = 3
        options.groups.initialRebalanceDelayMs = 0
        configure(&options)
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        cluster = try Cluster(options: options, logger: quiet)
        let ids = (1...Int32(brokers)).map { $0 }
        router = ApiRouter(broker: BrokerContext(cluster: cluster, endpoints: { HandlerHarness.endpoints(ids) }), logger: quiet)
    }

    deinit {
        cluster.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    enum CallError: Error { case connectionClosed, noResponse, wrongCorrelationId }

    /// Sends `request` at `version` to broker `brokerId` and decodes the answer.
    func send<R: KafkaRequestMessage>(_ request: R, version: Int16, to brokerId: Int32 = 1) async throws -> R.Response {
        let correlationId = nextCorrelationId.withLockedValue { $0 += 1; return $0 }
        let frame = KafkaFrame.request(request, version: version, correlationId: correlationId, clientId: "handler-test")
        guard let answer = try await sendFrame(frame, to: brokerId) else { throw CallError.noResponse }
        let (correlation, response) = try KafkaFrame.decodeResponse(R.Response.self, from: answer, version: version)
        guard correlation == correlationId else { throw CallError.wrongCorrelationId }
        return response
    }

    /// The raw response frame, nil for no response; throws when the broker would close the connection.
    func sendRaw<R: KafkaRequestMessage>(_ request: R, version: Int16, to brokerId: Int32 = 1) async throws -> ByteBuffer? {
        let correlationId = nextCorrelationId.withLockedValue { $0 += 1; return $0 }
        let frame = KafkaFrame.request(request, version: version, correlationId: correlationId, clientId: "handler-test")
        return try await sendFrame(frame, to: brokerId)
    }

    func sendFrame(_ frame: ByteBuffer, to brokerId: Int32 = 1) async throws -> ByteBuffer? {
        let info = KafkaConnectionInfo(brokerId: brokerId, peer: "127.0.0.1:50000", connectionId: 1)
        switch await router.dispatch(frame: frame, connection: info) {
        case .respond(let response): return response
        case .noResponse: return nil
        case .close: throw CallError.connectionClosed
        }
    }

    /// Polls `condition` every 5 ms for up to `seconds` of real time, sleeping without
    /// holding one of the few cooperative threads the whole parallel run shares.
    static func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    /// One uncompressed batch of `values`, stamped now.
    static func batch(_ values: [String], keys: [String?]? = nil, producerId: Int64 = -1, epoch: Int16 = -1, sequence: Int32 = -1) -> ByteBuffer {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let entries = values.enumerated().map { i, v in
            RecordBatch.Entry(key: keys?[i].map { ByteBuffer(string: $0) }, value: ByteBuffer(string: v), timestamp: now)
        }
        return try! RecordBatch(records: entries, producerId: producerId, producerEpoch: epoch, baseSequence: sequence)
            .encoded(compression: CompressionCodec.none)
    }
}
