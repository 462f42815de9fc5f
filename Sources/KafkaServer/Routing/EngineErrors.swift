import BrokerEngine
import KafkaProtocol
import LogStore

// Engine errors as Kafka error codes (with the message for responses that carry one).

extension ReplicationError {
    public var kafkaError: KafkaError {
        switch self {
        case .unknownTopicOrPartition: .unknownTopicOrPartition
        case .notLeaderOrFollower: .notLeaderOrFollower
        case .leaderNotAvailable: .leaderNotAvailable
        case .fencedLeaderEpoch: .fencedLeaderEpoch
        case .unknownLeaderEpoch: .unknownLeaderEpoch
        case .notEnoughReplicas: .notEnoughReplicas
        case .notEnoughReplicasAfterAppend: .notEnoughReplicasAfterAppend
        case .requestTimedOut: .requestTimedOut
        case .invalidRequiredAcks: .invalidRequiredAcks
        case .log(_, let error): error.kafkaError
        }
    }
}

extension LogStoreError {
    public var kafkaError: KafkaError {
        switch self {
        case .offsetOutOfRange: .offsetOutOfRange
        case .recordTooLarge: .messageTooLarge
        case .recordBatchTooLarge: .recordListTooLarge
        case .corruptRecord: .corruptMessage
        case .invalidRecord: .invalidRecord
        case .invalidProducerEpoch: .invalidProducerEpoch
        case .outOfOrderSequence: .outOfOrderSequenceNumber
        case .invalidTxnState: .invalidTxnState
        case .invalidConfig: .invalidConfig
        case .invalidTopicPartition: .unknownTopicOrPartition
        case .io, .closed, .corruptIndex, .offsetOverflow, .malformedCheckpoint, .corruptProducerSnapshot,
             .unexpectedAppendOffset:
            .kafkaStorageError
        }
    }
}

extension ControllerError {
    public var kafkaError: KafkaError { KafkaError(code: kafkaCode) }
}
