import LogStore
import NIOCore

extension ReplicaManager {
    /// Appends to a partition this broker leads (Kafka's `appendRecords`).
    ///
    /// - `acks=0` and `acks=1` complete once the leader has written the batches.
    /// - `acks=-1` (all) completes once every ISR member has them and the ISR is at least
    ///   `min.insync.replicas`, or with `requestTimedOut` after `timeoutMs`; it is refused up
    ///   front with `notEnoughReplicas` when the ISR is already too small.
    ///
    /// `completion` runs exactly once, on the thread that completed the request.
    public func appendRecords(
        _ topicPartition: TopicPartition, records: ByteBuffer, requiredAcks: Int16, timeoutMs: Int64,
        completion: @escaping @Sendable (Result<LogAppendInfo, ReplicationError>) -> Void
    ) {
        guard [-1, 0, 1].contains(requiredAcks) else { return completion(.failure(.invalidRequiredAcks(requiredAcks))) }
        guard let partition = partition(topicPartition) else {
            return completion(.failure(.unknownTopicOrPartition(topicPartition)))
        }
        let minInSync = partition.log.config.minInsyncReplicas
        let append: HostedPartition.LeaderAppend
        do {
            append = try partition.appendAsLeader(records, requiredAcks: requiredAcks, minInSyncReplicas: minInSync,
                                                  nowMs: scheduler.nowMs, config: config)
        } catch {
            return completion(.failure(error))
        }
        if !append.info.isDuplicate {
            traffic.recordIn(topic: topicPartition.topic, broker: brokerId, records: append.info.recordCount,
                             bytes: append.info.validBytes)
        }
        leaderAppended.withLockedValue { $0 }?(topicPartition)
        // Fetches waiting for data (followers) or for the high watermark (consumers).
        fetchPurgatory.checkAndComplete(topicPartition)
        if append.highWatermarkMoved { producePurgatory.checkAndComplete(topicPartition) }
        guard requiredAcks == -1, append.info.recordCount > 0 else { return completion(.success(append.info)) }

        let info = append.info
        let requiredOffset = info.lastOffset + 1
        let epoch = partition.leaderEpoch
        let operation = DelayedOperation(
            check: { partition.acksAllStatus(requiredOffset: requiredOffset, leaderEpoch: epoch,
                                             minInSyncReplicas: minInSync) != .outcome(.waiting) },
            onComplete: { expired in
                switch partition.acksAllStatus(requiredOffset: requiredOffset, leaderEpoch: epoch, minInSyncReplicas: minInSync) {
                case .outcome(.satisfied): completion(.success(info))
                case .outcome(.notEnoughReplicasAfterAppend): completion(.failure(.notEnoughReplicasAfterAppend(topicPartition)))
                case .outcome(.waiting): completion(.failure(expired ? .requestTimedOut(topicPartition) : .notLeaderOrFollower(topicPartition)))
                case .lostLeadership: completion(.failure(.notLeaderOrFollower(topicPartition)))
                }
            })
        producePurgatory.tryCompleteElseWatch(operation, keys: [topicPartition], timeoutMs: timeoutMs)
    }

    /// `appendRecords` for async callers.
    public func appendRecords(_ topicPartition: TopicPartition, records: ByteBuffer, requiredAcks: Int16,
                              timeoutMs: Int64) async -> Result<LogAppendInfo, ReplicationError> {
        await withCheckedContinuation { continuation in
            appendRecords(topicPartition, records: records, requiredAcks: requiredAcks, timeoutMs: timeoutMs) {
                continuation.resume(returning: $0)
            }
        }
    }
}
