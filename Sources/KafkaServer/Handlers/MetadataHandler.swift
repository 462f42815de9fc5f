import BrokerEngine
import KafkaProtocol
import LogStore

/// Metadata (3): brokers at their own listeners, topics with leaders, replicas, ISR and
/// offline replicas; auto-creates named topics when the request and the cluster allow it.
struct MetadataHandler: ApiHandler {
    typealias Request = MetadataRequest
    typealias Response = MetadataResponse
    let versions: ClosedRange<Int16> = 0...12

    func handle(_ request: MetadataRequest, context: RequestContext) async -> MetadataResponse? {
        let cluster = context.cluster
        let endpoints = context.broker.endpoints()
        let running = Set(cluster.runningBrokerIds)
        let image = cluster.controller.image
        // Running brokers the controller has not fenced: the ones clients can use.
        let liveIds = running.filter { image.brokers[$0]?.state != .fenced }.sorted()

        var response = Response()
        response.brokers = liveIds.compactMap { id in
            endpoints[id].map { Response.MetadataResponseBroker(nodeId: id, host: $0.host, port: Int32($0.port), rack: image.brokers[id]?.rack) }
        }
        response.clusterId = cluster.controller.clusterId.description
        // No separate controller node: the lowest live broker stands in for it.
        response.controllerId = liveIds.first ?? -1

        // v0: an empty list means every topic; v1+: null means every topic.
        let names: [String]?
        if let topics = request.topics, !(context.apiVersion == 0 && topics.isEmpty) {
            names = topics.map { $0.name ?? "" }
        } else {
            names = nil
        }
        let autoCreate = context.apiVersion < 4 || request.allowAutoTopicCreation
        for name in names ?? image.topicNames {
            response.topics.append(topic(name, named: names != nil, autoCreate: autoCreate, running: running, cluster: cluster))
        }
        return response
    }

    private func topic(_ name: String, named: Bool, autoCreate: Bool, running: Set<Int32>, cluster: Cluster) -> Response.MetadataResponseTopic {
        var result = Response.MetadataResponseTopic(name: name, isInternal: name == "__consumer_offsets")
        var image = cluster.controller.image.topic(named: name)
        if image == nil, named {
            guard autoCreate, cluster.controller.config.autoCreateTopicsEnable else {
                result.errorCode = KafkaError.unknownTopicOrPartition.code
                return result
            }
            do {
                image = try cluster.topicForUse(name)
            } catch {
                result.errorCode = error.kafkaError.code
                return result
            }
        }
        guard let topic = image else {
            result.errorCode = KafkaError.unknownTopicOrPartition.code
            return result
        }
        result.topicId = topic.id
        result.partitions = topic.partitions.sorted { $0.key < $1.key }.map { index, registration in
            Response.MetadataResponsePartition(
                errorCode: registration.isOffline ? KafkaError.leaderNotAvailable.code : 0,
                partitionIndex: index, leaderId: registration.leader, leaderEpoch: registration.leaderEpoch,
                replicaNodes: registration.replicas, isrNodes: registration.isr,
                offlineReplicas: registration.replicas.filter { !running.contains($0) })
        }
        return result
    }
}
