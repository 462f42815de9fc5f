import KafkaProtocol
import NIOCore

/// Just enough of a Produce request (v3–v11) to reach its record batches, parsed with
/// our own primitives. Layout from `ProduceRequest.json`: flexible from v9 (KIP-482),
/// which switches the header to v2 and every string/array/bytes to its compact form.
struct CapturedProduceRequest {
    struct PartitionRecords {
        var topic: String
        var partition: Int32
        var records: ByteBuffer?
    }

    var apiVersion: Int16
    var transactionalId: String?
    var acks: Int16
    var partitions: [PartitionRecords]

    enum ParseError: Error { case notProduce(Int16), unsupportedVersion(Int16), malformed(String) }

    init(frame: ByteBuffer) throws {
        var b = frame
        func need<T>(_ value: T?, _ what: String) throws -> T {
            guard let value else { throw ParseError.malformed(what) }
            return value
        }
        let apiKey = try need(b.readKafkaInteger(as: Int16.self), "api key")
        guard apiKey == 0 else { throw ParseError.notProduce(apiKey) }
        apiVersion = try need(b.readKafkaInteger(as: Int16.self), "api version")
        guard (3...11).contains(apiVersion) else { throw ParseError.unsupportedVersion(apiVersion) }
        let flexible = apiVersion >= 9
        _ = try need(b.readKafkaInteger(as: Int32.self), "correlation id")
        _ = try need(b.readKafkaNullableString(), "client id")  // int16 string even in header v2
        if flexible { _ = try need(b.readTaggedFields(), "header tagged fields") }

        transactionalId = try need(flexible ? b.readCompactNullableString() : b.readKafkaNullableString(), "transactional id")
        acks = try need(b.readKafkaInteger(as: Int16.self), "acks")
        _ = try need(b.readKafkaInteger(as: Int32.self), "timeout")

        func readArray<T>(_ b: inout ByteBuffer, _ element: (inout ByteBuffer) -> T?) -> [T]? {
            flexible ? b.readCompactArray(element) : b.readKafkaArray(element)
        }
        let topics: [[PartitionRecords]] = try need(readArray(&b) { t in
            guard let name = flexible ? t.readCompactString() : t.readKafkaString() else { return nil }
            let partitions: [PartitionRecords]? = readArray(&t) { p in
                guard let index = p.readKafkaInteger(as: Int32.self),
                      let records = flexible ? p.readCompactNullableBytes() : p.readKafkaNullableBytes()
                else { return nil }
                if flexible && p.readTaggedFields() == nil { return nil }
                return PartitionRecords(topic: name, partition: index, records: records)
            }
            if flexible && t.readTaggedFields() == nil { return nil }
            return partitions
        }, "topic data")
        if flexible { _ = try need(b.readTaggedFields(), "body tagged fields") }
        partitions = topics.flatMap { $0 }
    }
}
