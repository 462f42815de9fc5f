import KafkaProtocol

/// FindCoordinator (10), v0-4. v4 batches keys (`CoordinatorKeys`, KIP-699); v0-3 answer
/// one key at the top level.
///
/// A group's coordinator is the leader of its `__consumer_offsets` partition, named with
/// its advertised listener; COORDINATOR_NOT_AVAILABLE (node -1, host "", port -1, Kafka's
/// `Node.noNode`) while that partition has no running leader. Not supported: transaction
/// coordinators (key type 1) answer COORDINATOR_NOT_AVAILABLE until transactions are
/// served; share groups (key type 2) and unknown key types are INVALID_REQUEST. v5-6
/// (KIP-890 transaction errors, share keys) are not served.
struct FindCoordinatorHandler: ApiHandler {
    typealias Request = FindCoordinatorRequest
    var versions: ClosedRange<Int16> { 0...4 }

    func handle(_ request: FindCoordinatorRequest, context: RequestContext) async -> FindCoordinatorResponse? {
        if context.apiVersion >= 4 {
            let coordinators = request.coordinatorKeys.map { key in
                let answer = Self.coordinator(key: key, keyType: request.keyType, context: context)
                return FindCoordinatorResponse.Coordinator(
                    key: key, nodeId: answer.nodeId, host: answer.host, port: answer.port,
                    errorCode: answer.error.code, errorMessage: answer.errorMessage)
            }
            return FindCoordinatorResponse(coordinators: coordinators)
        }
        // v0 has no key type: it only finds group coordinators (the field decodes as 0).
        let answer = Self.coordinator(key: request.key, keyType: request.keyType, context: context)
        return FindCoordinatorResponse(errorCode: answer.error.code, errorMessage: answer.errorMessage,
                                       nodeId: answer.nodeId, host: answer.host, port: answer.port)
    }

    struct Answer {
        var error: KafkaError
        var nodeId: Int32 = -1
        var host = ""
        var port: Int32 = -1

        /// Null on success, as Apache Kafka sends it (PROTOCOL-NOTES.md §5).
        var errorMessage: String? { error == .none ? nil : error.message }
    }

    static func coordinator(key: String, keyType: Int8, context: RequestContext) -> Answer {
        switch keyType {
        case 0:
            guard let id = context.groupCoordinatorId(forGroup: key), let endpoint = context.broker.endpoints()[id] else {
                return Answer(error: .coordinatorNotAvailable)
            }
            return Answer(error: .none, nodeId: id, host: endpoint.host, port: Int32(endpoint.port))
        case 1:
            return Answer(error: .coordinatorNotAvailable)
        default:
            return Answer(error: .invalidRequest)
        }
    }
}
