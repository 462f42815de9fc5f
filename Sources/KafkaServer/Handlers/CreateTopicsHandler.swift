import BrokerEngine
import KafkaProtocol

/// CreateTopics (19), v2–7 (Kafka 4.x's range; v0–1 were removed in 4.0).
///
/// Each topic is validated and answered on its own by the controller; the valid ones are
/// created together. -1 partitions or replication factor take `num.partitions` /
/// `default.replication.factor`; a manual assignment needs both at -1. validateOnly checks
/// everything and creates nothing (the topic id is then zero). v5+ answers with the
/// topic's partitions, replication factor and every config as it will be (source 1 for the
/// request's configs, 5 or 4 for defaults); v7 with the topic id. `timeoutMs` is not
/// waited on: creation is committed before the answer.
///
/// Not supported: CreateTopicPolicy, quotas (no THROTTLING_QUOTA_EXCEEDED), ACLs.
struct CreateTopicsHandler: ApiHandler {
    typealias Request = CreateTopicsRequest
    var versions: ClosedRange<Int16> { 2...7 }

    func handle(_ request: CreateTopicsRequest, context: RequestContext) async -> CreateTopicsResponse? {
        let controller = context.cluster.controller
        let counts = Dictionary(request.topics.map { ($0.name, 1) }, uniquingKeysWith: +)
        var order: [String] = []
        var refused: [String: (KafkaError, String)] = [:]
        var newTopics: [NewTopic] = []
        for topic in request.topics {
            guard !order.contains(topic.name) else { continue }
            order.append(topic.name)
            if counts[topic.name]! > 1 {
                refused[topic.name] = (.invalidRequest, "Duplicate topic name.")
            } else if let unset = topic.configs.first(where: { $0.value == nil }) {
                refused[topic.name] = (.invalidConfig, "Null value not supported for topic configs: \(unset.name)")
            } else if Set(topic.assignments.map(\.partitionIndex)).count != topic.assignments.count {
                refused[topic.name] = (.invalidReplicaAssignment, "Partitions should be a consecutive 0-based integer sequence.")
            } else {
                newTopics.append(Self.newTopic(topic))
            }
        }
        let results = controller.createTopics(newTopics, validateOnly: request.validateOnly)
        let configs = Dictionary(uniqueKeysWithValues: newTopics.map { ($0.name, $0.configs) })
        let topics = order.map { name -> CreateTopicsResponse.CreatableTopicResult in
            var result = CreateTopicsResponse.CreatableTopicResult(name: name, errorMessage: nil)
            if let (error, message) = refused[name] {
                result.errorCode = error.code
                result.errorMessage = message
                return result
            }
            switch results[name]! {
            case .success(let created):
                result.topicId = created.topicId
                result.numPartitions = created.numPartitions
                result.replicationFactor = created.replicationFactor
                result.configs = controller.effectiveTopicConfigs(overrides: configs[name] ?? [:]).map {
                    .init(name: $0.name, value: $0.value, readOnly: $0.isReadOnly, configSource: $0.source.rawValue,
                          isSensitive: $0.isSensitive)
                }
            case .failure(let error):
                result.errorCode = error.kafkaCode
                result.errorMessage = error.description
            }
            return result
        }
        return CreateTopicsResponse(topics: topics)
    }

    static func newTopic(_ topic: CreateTopicsRequest.CreatableTopic) -> NewTopic {
        let configs = Dictionary(topic.configs.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        var assignment: [Int32: [Int32]]?
        if !topic.assignments.isEmpty {
            assignment = Dictionary(uniqueKeysWithValues: topic.assignments.map { ($0.partitionIndex, $0.brokerIds) })
        }
        return NewTopic(name: topic.name, numPartitions: topic.numPartitions, replicationFactor: topic.replicationFactor,
                        configs: configs, assignment: assignment)
    }
}
