import LogStore

extension ReplicaManager {
    /// DeleteRecords on this broker, which must lead `topicPartition` (Kafka's
    /// `deleteRecordsOnLocalLog`): moves the log start offset up to `offset` (-1: the high
    /// watermark) and deletes the segments wholly below it. Returns the leader's new log
    /// start offset, the partition's "low watermark" as far as the leader knows.
    ///
    /// - Throws: `unknownTopicOrPartition` when not hosted here, `notLeaderOrFollower` when
    ///   only followed, `.log(_, .offsetOutOfRange)` for an offset below 0 or above the high
    ///   watermark.
    ///
    /// Followers move their own log start offset on their next fetch (the fetch answer
    /// carries the leader's); they are woken now instead of after `replica.fetch.wait.max.ms`.
    /// Unlike Kafka, the call does not wait for them: Kafka's low watermark is the smallest
    /// log start offset of the live replicas, and the leader does not track followers' ones.
    /// `cleanup.policy` is not checked here (Kafka refuses compact-only topics with
    /// POLICY_VIOLATION; the wire handler does that).
    public func deleteRecords(_ topicPartition: TopicPartition, before offset: Int64) throws(ReplicationError) -> Int64 {
        guard let partition = partition(topicPartition) else { throw .unknownTopicOrPartition(topicPartition) }
        let start = try partition.deleteRecordsAsLeader(before: offset)
        leaderAppended.withLockedValue { $0 }?(topicPartition)
        return start
    }
}
