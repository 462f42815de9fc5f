import BrokerEngine
import KafkaProtocol

/// DeleteTopics (20), v1–6 (Kafka 4.x's range). v0–5 name topics; v6 names them or gives
/// their ids. Checked as Kafka's `ControllerApis.deleteTopics`: neither or both of name
/// and id, duplicate names or ids, and a name resolving to an id also given are
/// INVALID_REQUEST; an unknown name UNKNOWN_TOPIC_OR_PARTITION, an unknown id
/// UNKNOWN_TOPIC_ID; internal topics POLICY_VIOLATION. Deleted topics are answered with
/// their id (v6). The brokers remove the files as they apply the deletion; `timeoutMs` is
/// not waited on. Answers follow the request's order (Kafka shuffles them, to hide which
/// topics exist from unauthorised clients; Wharf has no ACLs).
struct DeleteTopicsHandler: ApiHandler {
    typealias Request = DeleteTopicsRequest
    typealias Result = DeleteTopicsResponse.DeletableTopicResult
    var versions: ClosedRange<Int16> { 1...6 }

    func handle(_ request: DeleteTopicsRequest, context: RequestContext) async -> DeleteTopicsResponse? {
        var responses: [Result] = []
        func respond(_ name: String?, _ id: KafkaUUID, _ error: KafkaError, _ message: String?) {
            responses.append(Result(name: name, topicId: id, errorCode: error.code, errorMessage: message))
        }
        let provided: [(name: String?, id: KafkaUUID)] = context.apiVersion >= 6
            ? request.topics.map { ($0.name, $0.topicId) } : request.topicNames.map { ($0, KafkaUUID.zero) }

        var names: [String] = [], duplicateNames: [String] = []
        var ids: [KafkaUUID] = [], duplicateIds: [KafkaUUID] = []
        for entry in provided {
            switch (entry.name, entry.id) {
            case (nil, .zero):
                respond(nil, .zero, .invalidRequest, "Neither topic name nor id were specified.")
            case (nil, let id):
                if ids.contains(id) { if !duplicateIds.contains(id) { duplicateIds.append(id) } } else { ids.append(id) }
            case (let name?, .zero):
                if names.contains(name) { if !duplicateNames.contains(name) { duplicateNames.append(name) } } else { names.append(name) }
            case (let name?, let id):
                respond(name, id, .invalidRequest, "You may not specify both topic name and topic id.")
            }
        }
        names.removeAll(where: duplicateNames.contains)
        ids.removeAll(where: duplicateIds.contains)
        for name in duplicateNames { respond(name, .zero, .invalidRequest, "Duplicate topic name.") }
        for id in duplicateIds { respond(nil, id, .invalidRequest, "Duplicate topic id.") }

        // Resolve ids to names, then check names, as Kafka does.
        let image = context.cluster.controller.image
        var toDelete: [String] = []
        for id in ids {
            if let topic = image.topicsById[id] {
                toDelete.append(topic.name)
            } else {
                respond(nil, id, .unknownTopicId, KafkaError.unknownTopicId.message)
            }
        }
        for name in names {
            guard let id = image.topicIdsByName[name] else {
                respond(name, .zero, .unknownTopicOrPartition, "This server does not host this topic-partition.")
                continue
            }
            if toDelete.contains(name) {
                toDelete.removeAll { $0 == name }
                respond(name, id, .invalidRequest, "The provided topic name maps to an ID that was already supplied.")
            } else {
                toDelete.append(name)
            }
        }

        let results = context.cluster.controller.deleteTopics(toDelete)
        for name in toDelete {
            switch results[name]! {
            case .success(let id):
                respond(name, id, .none, nil)
            case .failure(let error):
                responses.append(Result(name: name, topicId: image.topicIdsByName[name] ?? .zero, errorCode: error.kafkaCode,
                                        errorMessage: error.description))
            }
        }
        return DeleteTopicsResponse(responses: responses)
    }
}
