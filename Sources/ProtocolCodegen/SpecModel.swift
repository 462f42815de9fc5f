import Foundation

/// One Apache Kafka message definition (`clients/src/main/resources/common/message/*.json`).
struct MessageSpec: Decodable {
    var apiKey: Int16?
    var type: String
    var name: String
    var validVersions: String
    var flexibleVersions: String?
    var fields: [FieldSpec]?
    var commonStructs: [StructSpec]?
    var latestVersionUnstable: Bool?
}

struct StructSpec: Decodable {
    var name: String
    var versions: String?
    var fields: [FieldSpec]
}

struct FieldSpec: Decodable {
    var name: String
    var type: String
    var versions: String
    var nullableVersions: String?
    var taggedVersions: String?
    var tag: UInt32?
    var `default`: DefaultValue?
    var ignorable: Bool?
    var flexibleVersions: String?
    var fields: [FieldSpec]?
    var about: String?

    /// `default` is a string in the specs, but a few files write it as a bare number or bool.
    struct DefaultValue: Decodable {
        var text: String
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { text = s }
            else if let i = try? c.decode(Int64.self) { text = String(i) }
            else { text = String(try c.decode(Bool.self)) }
        }
    }
}
