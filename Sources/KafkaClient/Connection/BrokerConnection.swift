import KafkaProtocol
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection to one broker: size-prefixed frames, correlation ids, any number of
/// pipelined requests, and the API versions negotiated right after connecting.
public final class BrokerConnection: Sendable {
    public let address: BrokerAddress
    /// What the broker advertised in ApiVersions, and so the version each request goes at.
    public let versions: ApiVersionTable
    let channel: Channel
    let clientId: String
    let requestTimeout: TimeAmount
    private let nextCorrelationId = NIOLockedValueBox<Int32>(0)

    private init(address: BrokerAddress, channel: Channel, versions: ApiVersionTable, clientId: String, requestTimeout: TimeAmount,
                 lastCorrelationId: Int32 = 0) {
        self.address = address
        self.channel = channel
        self.versions = versions
        self.clientId = clientId
        self.requestTimeout = requestTimeout
        nextCorrelationId.withLockedValue { $0 = lastCorrelationId }
    }

    /// Largest response frame accepted (Fetch answers are bounded by the request's max bytes).
    static let maxResponseFrameSize = 256 * 1024 * 1024

    /// Connects and negotiates API versions (ApiVersions v3 first; on UNSUPPORTED_VERSION
    /// the broker's v0 answer says which ApiVersions versions it speaks, KIP-511).
    public static func connect(
        to address: BrokerAddress, clientId: String, connectTimeout: Duration, requestTimeout: Duration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(KafkaClientError) -> BrokerConnection {
        let label = address.description
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout.timeAmount)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(ResponseFrameDecoder(maxFrameSize: maxResponseFrameSize)))
                        try channel.pipeline.syncOperations.addHandler(RequestMatchingHandler(address: label))
                    }
                }
                .connect(host: address.host, port: address.port).get()
        } catch {
            throw .connectionFailed(address: label, reason: Self.describeConnectError(error))
        }
        let negotiating = BrokerConnection(address: address, channel: channel, versions: ApiVersionTable(broker: [:]),
                                         clientId: clientId, requestTimeout: requestTimeout.timeAmount)
        do {
            let versions = try await negotiating.negotiateVersions()
            // The same channel, now knowing the versions; correlation ids carry on.
            return BrokerConnection(address: address, channel: channel, versions: versions, clientId: clientId,
                                    requestTimeout: requestTimeout.timeAmount,
                                    lastCorrelationId: negotiating.nextCorrelationId.withLockedValue { $0 })
        } catch {
            negotiating.close()
            throw error
        }
    }

    public var isActive: Bool { channel.isActive }

    public func close() { channel.close(promise: nil) }

    /// Sends `request` at the negotiated version and decodes the answer. `extraTimeout`
    /// is added to the request timeout for requests the broker holds on purpose (a Fetch's
    /// max wait, a JoinGroup's rebalance).
    public func send<R: KafkaRequestMessage>(_ request: R, extraTimeout: Duration = .zero) async throws(KafkaClientError) -> R.Response {
        let version = try versions.version(for: R.apiKey, address: address.description)
        return try await send(request, version: version, extraTimeout: extraTimeout)
    }

    /// Sends `request` at `version` and decodes the answer.
    public func send<R: KafkaRequestMessage>(_ request: R, version: Int16, extraTimeout: Duration = .zero) async throws(KafkaClientError) -> R.Response {
        let (correlationId, frame) = encode(request, version: version)
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        let outbound = OutboundRequest(correlationId: correlationId, frame: frame, response: promise,
                                       apiName: R.apiKey.name, timeout: requestTimeout + extraTimeout.timeAmount)
        channel.writeAndFlush(outbound).cascadeFailure(to: promise)
        let answer: ByteBuffer
        do {
            answer = try await promise.futureResult.get()
        } catch let error as KafkaClientError {
            throw error
        } catch {
            throw .connectionClosed(address: address.description)
        }
        do {
            let (_, response) = try KafkaFrame.decodeResponse(R.Response.self, from: answer, version: version)
            return response
        } catch {
            throw .malformedResponse(address: address.description, api: R.apiKey.name, reason: "\(error)")
        }
    }

    /// Sends a request that gets no response (Produce with acks=0); returns once written.
    public func sendWithoutResponse<R: KafkaRequestMessage>(_ request: R) async throws(KafkaClientError) {
        let version = try versions.version(for: R.apiKey, address: address.description)
        let (correlationId, frame) = encode(request, version: version)
        let outbound = OutboundRequest(correlationId: correlationId, frame: frame, response: nil,
                                       apiName: R.apiKey.name, timeout: requestTimeout)
        do {
            try await channel.writeAndFlush(outbound).get()
        } catch let error as KafkaClientError {
            throw error
        } catch {
            throw .connectionClosed(address: address.description)
        }
    }

    private func encode<R: KafkaRequestMessage>(_ request: R, version: Int16) -> (Int32, ByteBuffer) {
        let correlationId = nextCorrelationId.withLockedValue { id -> Int32 in
            id = id == Int32.max ? 1 : id + 1
            return id
        }
        let frame = KafkaFrame.request(request, version: version, correlationId: correlationId, clientId: clientId,
                                       allocator: channel.allocator)
        return (correlationId, frame)
    }

    private func negotiateVersions() async throws(KafkaClientError) -> ApiVersionTable {
        let ours = ApiVersionTable.supported[.apiVersions]!
        let request = ApiVersionsRequest(clientSoftwareName: "wharf", clientSoftwareVersion: "0.1.0")
        var version = ours.upperBound
        for _ in 0..<2 {
            let response = try await sendApiVersions(request, version: version)
            if response.errorCode == KafkaError.unsupportedVersion.code {
                // The broker answered at v0 with the ApiVersions range it speaks.
                guard let theirs = response.apiKeys.first(where: { $0.apiKey == ApiKey.apiVersions.rawValue }),
                      theirs.minVersion <= theirs.maxVersion else {
                    throw .unsupportedApi(address: address.description, api: "ApiVersions")
                }
                let next = min(theirs.maxVersion, ours.upperBound)
                guard next < version, next >= max(theirs.minVersion, ours.lowerBound) else {
                    throw .noCommonVersion(address: address.description, api: "ApiVersions", ours: ours,
                                           broker: theirs.minVersion...theirs.maxVersion)
                }
                version = next
                continue
            }
            try KafkaClientError.check(response.errorCode, "ApiVersions from \(address)")
            return ApiVersionTable(response: response)
        }
        throw .noCommonVersion(address: address.description, api: "ApiVersions", ours: ours, broker: 0...0)
    }

    /// ApiVersions answers an unsupported version with a v0 body (KIP-511), so look at
    /// the error code first and decode at v0 when it is UNSUPPORTED_VERSION.
    private func sendApiVersions(_ request: ApiVersionsRequest, version: Int16) async throws(KafkaClientError) -> ApiVersionsResponse {
        let (correlationId, frame) = encode(request, version: version)
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        channel.writeAndFlush(OutboundRequest(correlationId: correlationId, frame: frame, response: promise,
                                              apiName: "ApiVersions", timeout: requestTimeout)).cascadeFailure(to: promise)
        let answer: ByteBuffer
        do {
            answer = try await promise.futureResult.get()
        } catch let error as KafkaClientError {
            throw error
        } catch {
            throw .connectionClosed(address: address.description)
        }
        // Response header v0 is the 4-byte correlation id; the error code follows.
        let errorCode = answer.getInteger(at: answer.readerIndex + 4, as: Int16.self)
        let decodeVersion = errorCode == KafkaError.unsupportedVersion.code ? 0 : version
        do {
            return try KafkaFrame.decodeResponse(ApiVersionsResponse.self, from: answer, version: decodeVersion).response
        } catch {
            throw .malformedResponse(address: address.description, api: "ApiVersions", reason: "\(error)")
        }
    }

    /// "connection refused", "no route to host", "connect timeout", a DNS failure.
    static func describeConnectError(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let dns = connection.dnsAError ?? connection.dnsAAAAError { return "cannot resolve host: \(dns)" }
            if let first = connection.connectionErrors.first { return describeConnectError(first.error) }
            return "no address found"
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "connect timed out" }
        return "\(error)"
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
