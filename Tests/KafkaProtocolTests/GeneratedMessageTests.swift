import NIOCore
import Testing

@testable import KafkaProtocol

/// Round trips of the generated codecs at every version of every API we serve, plus the
/// flexible-version rules: compact encodings, tagged fields omitted at their defaults and
/// kept when unknown.
struct GeneratedMessageTests {
    static let servedKeys = ApiKey.allCases.filter { $0.messageTypes != nil }

    @Test func everyServedApiHasCodecsForItsWholeSpecRange() {
        #expect(Self.servedKeys.count == 27)
        for key in Self.servedKeys {
            let types = key.messageTypes!
            #expect(types.request.apiKey == key && types.response.apiKey == key)
            #expect(types.request.validVersions == key.specVersions)
        }
    }

    @Test(arguments: servedKeys)
    func defaultMessagesRoundTripAtEveryVersion(_ key: ApiKey) throws {
        let types = key.messageTypes!
        for version in types.request.validVersions { try expectRoundTrip(types.request.init(), version: version) }
        for version in types.response.validVersions { try expectRoundTrip(types.response.init(), version: version) }
    }

    @Test func populatedMetadataResponseRoundTripsAtEveryVersion() throws {
        typealias R = MetadataResponse
        let response = R(
            brokers: [R.MetadataResponseBroker(nodeId: 1, host: "127.0.0.1", port: 9092, rack: nil),
                      R.MetadataResponseBroker(nodeId: 2, host: "127.0.0.1", port: 9093, rack: "r1")],
            clusterId: "wharf-cluster", controllerId: 1,
            topics: [R.MetadataResponseTopic(
                errorCode: 0, name: "orders", isInternal: false,
                partitions: [R.MetadataResponsePartition(errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3,
                                                         replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [])])])
        for version in R.validVersions {
            var expected = response
            // Fields a version does not carry come back as their defaults.
            if version < 2 { expected.clusterId = nil }
            if version < 1 { expected.controllerId = -1; expected.brokers[1].rack = nil }
            if version < 7 { expected.topics[0].partitions[0].leaderEpoch = -1 }
            if version < 5 { expected.topics[0].partitions[0].offlineReplicas = [] }
            var out = ByteBuffer()
            response.write(to: &out, version: version)
            let back = try R(from: &out, version: version)
            #expect(back == expected, "v\(version)")
        }
    }

    @Test func taggedFieldsAreOmittedAtTheirDefaultAndWrittenOtherwise() throws {
        typealias P = FetchResponse.PartitionData
        var partition = P(partitionIndex: 0, highWatermark: 10, records: ByteBuffer(bytes: [1, 2, 3]))
        var plain = ByteBuffer()
        partition.write(to: &plain, version: 12)
        #expect(plain.getInteger(at: plain.writerIndex - 1, as: UInt8.self) == 0, "an empty tagged-field section")

        partition.currentLeader = FetchResponse.LeaderIdAndEpoch(leaderId: 2, leaderEpoch: 5)
        var tagged = ByteBuffer()
        partition.write(to: &tagged, version: 12)
        #expect(tagged.readableBytes > plain.readableBytes)
        let back = try P(from: &tagged, version: 12)
        #expect(back.currentLeader.leaderId == 2 && back.currentLeader.leaderEpoch == 5)
    }

    @Test func unknownTaggedFieldsSurviveARoundTrip() throws {
        var request = ApiVersionsRequest(clientSoftwareName: "kcat", clientSoftwareVersion: "1.7.1")
        request.unknownTaggedFields[7] = ByteBuffer(bytes: [0xAA, 0xBB])
        var out = ByteBuffer()
        request.write(to: &out, version: 3)
        let back = try ApiVersionsRequest(from: &out, version: 3)
        #expect(back.unknownTaggedFields[7] == ByteBuffer(bytes: [0xAA, 0xBB]))
        #expect(back == request)
    }

    @Test func truncatedBodiesFailWithAnError() throws {
        var out = ByteBuffer()
        MetadataRequest(topics: [.init(name: "orders")]).write(to: &out, version: 12)
        for cut in 0..<out.readableBytes {
            var short = out.getSlice(at: 0, length: cut)!
            #expect(throws: KafkaDecodingError.self) { try MetadataRequest(from: &short, version: 12) }
        }
    }

    @Test func headersFollowKIP482AndKIP511() {
        #expect(ApiKey.metadata.requestHeaderVersion(8) == 1)
        #expect(ApiKey.metadata.requestHeaderVersion(9) == 2)
        #expect(ApiKey.metadata.responseHeaderVersion(9) == 1)
        #expect(ApiKey.apiVersions.responseHeaderVersion(3) == 0)
        #expect(ApiKey.offsetDelete.requestHeaderVersion(0) == 1)
    }

    @Test func errorTableNamesAndRetriability() {
        #expect(KafkaError.notLeaderOrFollower.code == 6)
        #expect(KafkaError.notLeaderOrFollower.name == "NOT_LEADER_OR_FOLLOWER")
        #expect(KafkaError.notLeaderOrFollower.isRetriable)
        #expect(!KafkaError.topicAlreadyExists.isRetriable)
        #expect(KafkaError(code: 999).name == "UNKNOWN_ERROR_CODE_999")
    }
}
