import KafkaProtocol
import NIOCore

/// The bytes of a metadata record: the value of one record in a `__cluster_metadata` batch.
///
/// Our own format, not KRaft's (which uses generated schemas with frame version, api key
/// and version); like it, self-describing and versioned:
///
///     type     int16   which case (table below)
///     version  int16   0 for every type so far
///     fields           the type's fields at that version, in order
///     tagged   tagged-field section (KIP-482: uvarint count, then tag, size, bytes)
///
/// A reader rejects a type or version it does not know (replaying a log it cannot
/// understand would build a wrong image; Kafka's `MetadataRecordSerde` does the same) and
/// skips unknown tags, so optional fields can be added as tags without a version bump.
///
/// | type | case | version 0 fields |
/// |---|---|---|
/// | 0 | clusterId | uuid |
/// | 1 | registerBroker | int32 brokerId, int64 epoch, compact nullable string rack |
/// | 2 | brokerFenced | int32 brokerId, int64 epoch |
/// | 3 | brokerUnfenced | int32 brokerId, int64 epoch |
/// | 4 | brokerInControlledShutdown | int32 brokerId, int64 epoch |
/// | 5 | topic | compact string name, uuid id |
/// | 6 | partition | uuid topicId, int32 partition, compact array int32 replicas, compact array int32 isr, int32 leader, int32 leaderEpoch, int32 partitionEpoch |
/// | 7 | partitionChange | uuid topicId, int32 partition, compact nullable array int32 isr (null: unchanged), int32 leader (-2: unchanged, Kafka's NO_LEADER_CHANGE), int32 leaderEpoch, int32 partitionEpoch |
/// | 8 | removeTopic | uuid id |
/// | 9 | config | int8 resource type (2 topic, 4 broker: Kafka's `ConfigResource.Type` ids), compact string resource name ("" = cluster default), compact string name, compact nullable string value (null: delete) |
/// | 10 | producerIdsBlock | int32 brokerId, int64 nextBlockStart |
///
/// Integers are big-endian; uuid is 16 bytes; compact strings and arrays are Kafka's
/// (uvarint length + 1, 0 = null).
extension MetadataRecord {
    static let currentVersion: Int16 = 0
    /// `PartitionChange.leader` on disk when the leader does not change.
    static let noLeaderChange: Int32 = -2

    var typeId: Int16 {
        switch self {
        case .clusterId: return 0
        case .registerBroker: return 1
        case .brokerFenced: return 2
        case .brokerUnfenced: return 3
        case .brokerInControlledShutdown: return 4
        case .topic: return 5
        case .partition: return 6
        case .partitionChange: return 7
        case .removeTopic: return 8
        case .config: return 9
        case .producerIdsBlock: return 10
        }
    }

    /// Appends the record's bytes to `buffer`.
    public func encode(to buffer: inout ByteBuffer) {
        buffer.writeKafkaInteger(typeId)
        buffer.writeKafkaInteger(Self.currentVersion)
        switch self {
        case .clusterId(let id):
            buffer.writeKafkaUUID(id)
        case let .registerBroker(brokerId, epoch, rack):
            buffer.writeKafkaInteger(brokerId)
            buffer.writeKafkaInteger(epoch)
            buffer.writeCompactNullableString(rack)
        case let .brokerFenced(brokerId, epoch), let .brokerUnfenced(brokerId, epoch),
             let .brokerInControlledShutdown(brokerId, epoch):
            buffer.writeKafkaInteger(brokerId)
            buffer.writeKafkaInteger(epoch)
        case let .topic(name, id):
            buffer.writeCompactString(name)
            buffer.writeKafkaUUID(id)
        case .partition(let p):
            buffer.writeKafkaUUID(p.topicId)
            buffer.writeKafkaInteger(p.partition)
            buffer.writeCompactArray(p.replicas) { $0.writeKafkaInteger($1) }
            buffer.writeCompactArray(p.isr) { $0.writeKafkaInteger($1) }
            buffer.writeKafkaInteger(p.leader)
            buffer.writeKafkaInteger(p.leaderEpoch)
            buffer.writeKafkaInteger(p.partitionEpoch)
        case .partitionChange(let c):
            buffer.writeKafkaUUID(c.topicId)
            buffer.writeKafkaInteger(c.partition)
            buffer.writeCompactNullableArray(c.isr) { $0.writeKafkaInteger($1) }
            buffer.writeKafkaInteger(c.leader ?? Self.noLeaderChange)
            buffer.writeKafkaInteger(c.leaderEpoch)
            buffer.writeKafkaInteger(c.partitionEpoch)
        case .removeTopic(let id):
            buffer.writeKafkaUUID(id)
        case let .config(resource, name, value):
            switch resource {
            case .topic(let topic):
                buffer.writeKafkaInteger(Int8(2))
                buffer.writeCompactString(topic)
            case .broker(let id):
                buffer.writeKafkaInteger(Int8(4))
                buffer.writeCompactString(id.map(String.init) ?? "")
            }
            buffer.writeCompactString(name)
            buffer.writeCompactNullableString(value)
        case let .producerIdsBlock(brokerId, next):
            buffer.writeKafkaInteger(brokerId)
            buffer.writeKafkaInteger(next)
        }
        buffer.writeTaggedFields(TaggedFields())
    }

    /// The record's bytes in a new buffer.
    public var encoded: ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        encode(to: &buffer)
        return buffer
    }

    /// Decodes one record that fills `buffer` (trailing bytes are an error).
    public static func decode(_ buffer: ByteBuffer) throws(KafkaDecodingError) -> MetadataRecord {
        var b = buffer
        let type = try b.readKafkaInteger(as: Int16.self).orThrow("type")
        let version = try b.readKafkaInteger(as: Int16.self).orThrow("version")
        guard version == currentVersion else {
            throw .malformed(field: "version", reason: "unknown version \(version) of metadata record type \(type)")
        }
        let record: MetadataRecord
        switch type {
        case 0:
            record = .clusterId(try b.readKafkaUUID().orThrow("clusterId"))
        case 1:
            let id = try b.readKafkaInteger(as: Int32.self).orThrow("brokerId")
            let epoch = try b.readKafkaInteger(as: Int64.self).orThrow("epoch")
            let rack = try b.readCompactNullableString().orThrow("rack")
            record = .registerBroker(brokerId: id, epoch: epoch, rack: rack)
        case 2, 3, 4:
            let id = try b.readKafkaInteger(as: Int32.self).orThrow("brokerId")
            let epoch = try b.readKafkaInteger(as: Int64.self).orThrow("epoch")
            record = type == 2 ? .brokerFenced(brokerId: id, epoch: epoch)
                : type == 3 ? .brokerUnfenced(brokerId: id, epoch: epoch)
                : .brokerInControlledShutdown(brokerId: id, epoch: epoch)
        case 5:
            let name = try b.readCompactString().orThrow("name")
            record = .topic(name: name, id: try b.readKafkaUUID().orThrow("topicId"))
        case 6:
            let topicId = try b.readKafkaUUID().orThrow("topicId")
            let partition = try b.readKafkaInteger(as: Int32.self).orThrow("partition")
            let replicas = try b.readCompactArray { $0.readKafkaInteger(as: Int32.self) }.orThrow("replicas")
            let isr = try b.readCompactArray { $0.readKafkaInteger(as: Int32.self) }.orThrow("isr")
            let leader = try b.readKafkaInteger(as: Int32.self).orThrow("leader")
            let leaderEpoch = try b.readKafkaInteger(as: Int32.self).orThrow("leaderEpoch")
            let partitionEpoch = try b.readKafkaInteger(as: Int32.self).orThrow("partitionEpoch")
            record = .partition(PartitionRecord(topicId: topicId, partition: partition, replicas: replicas, isr: isr,
                                                leader: leader, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch))
        case 7:
            let topicId = try b.readKafkaUUID().orThrow("topicId")
            let partition = try b.readKafkaInteger(as: Int32.self).orThrow("partition")
            let isr = try b.readCompactNullableArray { $0.readKafkaInteger(as: Int32.self) }.orThrow("isr")
            let leader = try b.readKafkaInteger(as: Int32.self).orThrow("leader")
            let leaderEpoch = try b.readKafkaInteger(as: Int32.self).orThrow("leaderEpoch")
            let partitionEpoch = try b.readKafkaInteger(as: Int32.self).orThrow("partitionEpoch")
            record = .partitionChange(PartitionChange(
                topicId: topicId, partition: partition, isr: isr, leader: leader == noLeaderChange ? nil : leader,
                leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch))
        case 8:
            record = .removeTopic(id: try b.readKafkaUUID().orThrow("topicId"))
        case 9:
            let resourceType = try b.readKafkaInteger(as: Int8.self).orThrow("resourceType")
            let resourceName = try b.readCompactString().orThrow("resourceName")
            let resource: ConfigResource
            switch resourceType {
            case 2: resource = .topic(resourceName)
            case 4 where resourceName.isEmpty: resource = .broker(nil)
            case 4:
                guard let id = Int32(resourceName) else {
                    throw .malformed(field: "resourceName", reason: "broker id '\(resourceName)' is not a number")
                }
                resource = .broker(id)
            default: throw .malformed(field: "resourceType", reason: "unknown config resource type \(resourceType)")
            }
            let name = try b.readCompactString().orThrow("name")
            let value = try b.readCompactNullableString().orThrow("value")
            record = .config(resource: resource, name: name, value: value)
        case 10:
            let id = try b.readKafkaInteger(as: Int32.self).orThrow("brokerId")
            let next = try b.readKafkaInteger(as: Int64.self).orThrow("nextBlockStart")
            record = .producerIdsBlock(brokerId: id, nextBlockStart: next)
        default:
            throw .malformed(field: "type", reason: "unknown metadata record type \(type)")
        }
        _ = try b.readTaggedFields().orThrow("taggedFields")
        guard b.readableBytes == 0 else {
            throw .malformed(field: "record", reason: "\(b.readableBytes) bytes after metadata record type \(type)")
        }
        return record
    }
}
