import BrokerEngine
import KafkaProtocol
import Logging

/// InitProducerId (22) for idempotent producers: a fresh producer id (never reused: ids come
/// in blocks the controller persists) at epoch 0, as Kafka answers a request without a
/// transactional id. Transactional ids are refused until transactions exist.
struct InitProducerIdHandler: ApiHandler {
    typealias Request = InitProducerIdRequest
    typealias Response = InitProducerIdResponse
    /// v6 (KIP-939 two-phase commit) is unstable in Kafka 4.1.
    let versions: ClosedRange<Int16> = 0...5

    func handle(_ request: InitProducerIdRequest, context: RequestContext) async -> InitProducerIdResponse? {
        var response = Response(producerId: -1, producerEpoch: -1)
        if let transactionalId = request.transactionalId, !transactionalId.isEmpty {
            // No transaction coordinator yet (its APIs are not advertised either).
            response.errorCode = KafkaError.transactionalIdAuthorizationFailed.code
            return response
        }
        do {
            response.producerId = try context.cluster.producerIds.nextProducerId()
            response.producerEpoch = 0
        } catch {
            response.errorCode = KafkaError.coordinatorNotAvailable.code
        }
        return response
    }
}
