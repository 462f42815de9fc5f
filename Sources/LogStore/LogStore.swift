// LogStore: one partition's log on disk, byte-compatible with Apache Kafka.
import KafkaProtocol
