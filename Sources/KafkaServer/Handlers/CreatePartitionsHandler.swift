import BrokerEngine
import KafkaProtocol

/// CreatePartitions (37), v0–3. Grows each topic to `count` partitions: a count that does
/// not increase the topic is INVALID_PARTITIONS, an unknown topic
/// UNKNOWN_TOPIC_OR_PARTITION, an internal one POLICY_VIOLATION, a topic named twice
/// INVALID_REQUEST. New replicas follow the topic's placement, or the request's
/// assignments (one replica list per new partition, checked as Kafka does:
/// INVALID_REPLICA_ASSIGNMENT; an empty list counts as none). validateOnly changes
/// nothing. `timeoutMs` is not waited on.
struct CreatePartitionsHandler: ApiHandler {
    typealias Request = CreatePartitionsRequest
    var versions: ClosedRange<Int16> { 0...3 }

    func handle(_ request: CreatePartitionsRequest, context: RequestContext) async -> CreatePartitionsResponse? {
        let controller = context.cluster.controller
        let counts = Dictionary(request.topics.map { ($0.name, 1) }, uniquingKeysWith: +)
        var answered = Set<String>()
        var results: [CreatePartitionsResponse.CreatePartitionsTopicResult] = []
        for topic in request.topics where answered.insert(topic.name).inserted {
            var result = CreatePartitionsResponse.CreatePartitionsTopicResult(name: topic.name, errorMessage: nil)
            if counts[topic.name]! > 1 {
                result.errorCode = KafkaError.invalidRequest.code
                result.errorMessage = "Duplicate topic name."
            } else {
                do {
                    // An empty list is taken as none (the generated default; Kafka's clients send null).
                    let assignment = topic.assignments.flatMap { $0.isEmpty ? nil : $0.map(\.brokerIds) }
                    try controller.createPartitions(topic: topic.name, newTotal: topic.count, assignment: assignment,
                                                    validateOnly: request.validateOnly)
                } catch {
                    result.errorCode = error.kafkaCode
                    result.errorMessage = error.description
                }
            }
            results.append(result)
        }
        return CreatePartitionsResponse(results: results)
    }
}
