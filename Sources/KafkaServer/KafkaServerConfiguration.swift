import NIOCore

/// Where and how the wire server listens.
public struct KafkaServerConfiguration: Sendable {
    /// The brokers to listen for, one listener each; broker `brokerIds[i]` listens on
    /// `basePort + i`.
    public var brokerIds: [Int32]
    /// The address every listener binds (default 127.0.0.1). A wildcard address
    /// (0.0.0.0, ::) listens everywhere; set `advertisedHost` to tell clients where.
    public var listenAddress: String = "127.0.0.1"
    /// The first broker's port (default 9092, Kafka's); 0 lets each broker pick a free one.
    public var basePort: Int = 9092
    /// The host clients are told to connect to (Kafka's `advertised.listeners`). Nil
    /// advertises `listenAddress`, or this machine's host name when that is a wildcard.
    public var advertisedHost: String?
    /// `socket.request.max.bytes`: the largest request accepted (default 100 MiB).
    public var maxRequestSize: Int = KafkaFrameDecoder.defaultMaxFrameSize
    /// Read-ahead per connection: reading pauses while more requests than this wait.
    public var maxQueuedRequests: Int = 16
    /// Read-ahead per connection: reading pauses while more bytes than this wait (100 MiB).
    public var maxQueuedBytes: Int = 100 << 20
    /// `socket.listen.backlog.size`: connections the kernel queues before they are accepted.
    public var listenBacklog: Int32 = 50
    /// When a broker stops with a controlled shutdown, how long each of its connections may
    /// take to answer the request it is handling before it is closed regardless. Its waiting
    /// requests complete as it stops, but a group coordinator's wait can be long.
    public var drainTimeout: TimeAmount = .seconds(2)

    public init(brokerIds: [Int32]) {
        self.brokerIds = brokerIds
    }

    /// The port broker number `index` (0-based) listens on.
    func port(forBrokerAt index: Int) -> Int {
        basePort == 0 ? 0 : basePort + index
    }
}
