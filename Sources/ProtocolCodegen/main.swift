// ProtocolCodegen: writes Sources/KafkaProtocol/Generated/*.swift from Apache Kafka's JSON
// message specs. Usage: ProtocolCodegen <spec-dir> <output-dir> [--check]
// With --check it writes nothing and exits 1 when the committed output is stale.
import Foundation

/// The APIs Wharf serves (and its client speaks); each gets one file with its request and
/// response. ApiKey lists every API in the specs.
let servedApis = [
    "ApiVersions", "Metadata", "Produce", "Fetch", "ListOffsets", "OffsetForLeaderEpoch", "FindCoordinator",
    "JoinGroup", "SyncGroup", "Heartbeat", "LeaveGroup", "OffsetCommit", "OffsetFetch", "ListGroups",
    "DescribeGroups", "DeleteGroups", "OffsetDelete", "CreateTopics", "DeleteTopics", "CreatePartitions",
    "DescribeConfigs", "AlterConfigs", "IncrementalAlterConfigs", "DeleteRecords", "InitProducerId",
    "DescribeCluster", "DescribeLogDirs",
]

let args = CommandLine.arguments.dropFirst().filter { $0 != "--check" }
let check = CommandLine.arguments.contains("--check")
guard args.count == 2 else {
    FileHandle.standardError.write(Data("usage: ProtocolCodegen <spec-dir> <output-dir> [--check]\n".utf8))
    exit(2)
}
let specDir = args[args.startIndex], outDir = args[args.startIndex + 1]

func load(_ name: String) throws -> MessageSpec {
    let url = URL(fileURLWithPath: specDir).appendingPathComponent("\(name).json")
    let text = try String(contentsOf: url, encoding: .utf8)
    return try JSONDecoder().decode(MessageSpec.self, from: Data(stripJSONComments(text).utf8))
}

var files: [String: String] = [:]
do {
    let all = try FileManager.default.contentsOfDirectory(atPath: specDir).filter { $0.hasSuffix("Request.json") }.sorted()
    let requests = try all.map { try load(String($0.dropLast(".json".count))) }.filter { $0.type == "request" && $0.apiKey != nil }
    files["ApiKey.swift"] = try emitApiKeys(requests, specDir: "kafka-message-specs").joined(separator: "\n") + "\n"
    files["KafkaError.swift"] = emitErrors().joined(separator: "\n") + "\n"

    var served = generatedHeader(sources: "the served APIs listed in ProtocolCodegen/main.swift")
    served += ["extension ApiKey {",
               "    /// The request and response types of the APIs with generated codecs; nil for the others.",
               "    public var messageTypes: (request: any KafkaRequestMessage.Type, response: any KafkaResponseMessage.Type)? {",
               "        switch self {"]
    for api in servedApis {
        let key = apiCaseName("\(api)Request")
        served.append("        case .\(key): (\(api)Request.self, \(api)Response.self)")
    }
    served += ["        default: nil", "        }", "    }", "}"]
    files["ApiKey+MessageTypes.swift"] = served.joined(separator: "\n") + "\n"

    var headers = generatedHeader(sources: "RequestHeader.json and ResponseHeader.json")
    for name in ["RequestHeader", "ResponseHeader"] {
        headers += try MessageEmitter(spec: load(name)).emit(protocolName: "KafkaMessage", extraStatics: [])
        headers.append("")
    }
    files["Headers.swift"] = headers.joined(separator: "\n")

    for api in servedApis {
        let request = try load("\(api)Request"), response = try load("\(api)Response")
        let key = apiCaseName(request.name)
        var lines = generatedHeader(sources: "\(api)Request.json and \(api)Response.json")
        lines += try MessageEmitter(spec: request).emit(
            protocolName: "KafkaRequestMessage",
            extraStatics: ["public typealias Response = \(response.name)", "public static let apiKey: ApiKey = .\(key)"])
        lines.append("")
        lines += try MessageEmitter(spec: response).emit(
            protocolName: "KafkaResponseMessage", extraStatics: ["public static let apiKey: ApiKey = .\(key)"])
        files["\(api).swift"] = lines.joined(separator: "\n") + "\n"
    }
} catch {
    FileHandle.standardError.write(Data("ProtocolCodegen: \(error)\n".utf8))
    exit(1)
}

let fm = FileManager.default
let existing = Set((try? fm.contentsOfDirectory(atPath: outDir)) ?? []).filter { $0.hasSuffix(".swift") }
if check {
    var stale: [String] = []
    for (name, text) in files where (try? String(contentsOfFile: "\(outDir)/\(name)", encoding: .utf8)) != text { stale.append(name) }
    stale += existing.subtracting(files.keys)
    if !stale.isEmpty {
        FileHandle.standardError.write(Data("ProtocolCodegen: generated code is stale (\(stale.sorted().joined(separator: ", "))); run `make codegen`\n".utf8))
        exit(1)
    }
    print("ProtocolCodegen: \(files.count) generated files are up to date")
    exit(0)
}
try fm.createDirectory(atPath: outDir, withIntermediateDirectories: true)
for name in existing.subtracting(files.keys) { try fm.removeItem(atPath: "\(outDir)/\(name)") }
for (name, text) in files { try text.write(toFile: "\(outDir)/\(name)", atomically: true, encoding: .utf8) }
print("ProtocolCodegen: wrote \(files.count) files to \(outDir)")
