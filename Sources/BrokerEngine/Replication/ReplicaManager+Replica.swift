import LogStore
import NIOCore

/// What a leader returns to a follower's fetch.
public struct ReplicaFetchResult: Sendable {
    public var records: ByteBuffer
    public var highWatermark: Int64
    public var logStartOffset: Int64
    public var logEndOffset: Int64
}

/// What a follower needs from its leader: the replica Fetch and OffsetForLeaderEpoch. The
/// in-process cluster calls the leader's `ReplicaManager` directly; a networked follower
/// would implement this over the wire with the same two requests.
public protocol ReplicaFetchSource: Sendable {
    func replicaFetch(_ topicPartition: TopicPartition, replicaId: Int32, fetchOffset: Int64,
                      currentLeaderEpoch: Int32, maxBytes: Int) throws(ReplicationError) -> ReplicaFetchResult
    func offsetForLeaderEpoch(_ topicPartition: TopicPartition, currentLeaderEpoch: Int32,
                              leaderEpoch: Int32) throws(ReplicationError) -> (epoch: Int32, endOffset: Int64)
}

extension ReplicaManager: ReplicaFetchSource {
    /// A follower's fetch from this leader (Kafka's replica Fetch, in process). It tells the
    /// leader how far the follower is (`fetchOffset`), which may move the high watermark and
    /// complete waiting `acks=all` produces, or let the follower back into the ISR; then it
    /// returns what follows, up to the log end.
    public func replicaFetch(_ topicPartition: TopicPartition, replicaId: Int32, fetchOffset: Int64,
                             currentLeaderEpoch: Int32, maxBytes: Int) throws(ReplicationError) -> ReplicaFetchResult {
        guard let partition = partition(topicPartition) else { throw .unknownTopicOrPartition(topicPartition) }
        try partition.validate(currentLeaderEpoch: currentLeaderEpoch, mustBeLeader: true)
        if partition.recordFollowerFetch(replicaId, fetchOffset: fetchOffset, nowMs: scheduler.nowMs, config: config) {
            producePurgatory.checkAndComplete(topicPartition)
            fetchPurgatory.checkAndComplete(topicPartition)
        }
        maybeChangeIsr(partition, fetchedBy: replicaId)
        do {
            let result = try partition.log.read(from: fetchOffset, maxBytes: maxBytes, minOneMessage: true)
            return ReplicaFetchResult(records: result.records, highWatermark: partition.highWatermark,
                                      logStartOffset: result.logStartOffset, logEndOffset: result.logEndOffset)
        } catch let error as LogStoreError {
            throw .log(topicPartition, error)
        } catch {
            throw .log(topicPartition, .corruptRecord("\(error)"))
        }
    }

    /// OffsetForLeaderEpoch on the leader: the largest epoch ≤ `leaderEpoch` it has and the
    /// offset where that epoch ends in its log (KIP-279), for a follower to truncate to.
    public func offsetForLeaderEpoch(_ topicPartition: TopicPartition, currentLeaderEpoch: Int32,
                                     leaderEpoch: Int32) throws(ReplicationError) -> (epoch: Int32, endOffset: Int64) {
        guard let partition = partition(topicPartition) else { throw .unknownTopicOrPartition(topicPartition) }
        try partition.validate(currentLeaderEpoch: currentLeaderEpoch, mustBeLeader: true)
        return partition.log.endOffset(forLeaderEpoch: leaderEpoch)
    }
}
