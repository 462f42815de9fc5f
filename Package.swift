// swift-tools-version: 6.1
// Wharf: a Kafka-compatible broker and terminal console in one binary.
// Module layout follows ../shared/DESIGN.md; later issues add BrokerEngine, KafkaServer,
// KafkaClient, Console and ProtocolCodegen into the same layout.
import PackageDescription

let package = Package(
    name: "wharf",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wharf", targets: ["wharf"]),
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
        .library(name: "LogStore", targets: ["LogStore"]),
        .library(name: "BrokerEngine", targets: ["BrokerEngine"]),
        .library(name: "KafkaServer", targets: ["KafkaServer"]),
        .library(name: "KafkaClient", targets: ["KafkaClient"]),
        .library(name: "Console", targets: ["Console"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages (system-library targets: modulemap + shim).
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CISAL", providers: [.apt(["libisal-dev"])]),
        // Hardware CRC32C (SSE4.2, run-time CPU check) with ISA-L and a portable fallback.
        .target(name: "CCRC32C", dependencies: ["CISAL"], linkerSettings: [.linkedLibrary("isal")]),

        .target(
            name: "KafkaProtocol",
            dependencies: [
                "CZlib", "CLZ4", "CZstd", "CSnappy", "CCRC32C",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "LogStore",
            dependencies: [
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The in-process cluster; for now the classic group coordinator (Groups/).
        .target(
            name: "BrokerEngine",
            // LogStore supplies TopicPartition and the logs (the controller's metadata log
            // too); KafkaProtocol the ByteBuffer primitives and KafkaUUID of metadata records.
            dependencies: [
                "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/BrokerEngine"
        ),
        // The wire server: a SwiftNIO listener per broker, framing, and the seam
        // (KafkaRequestDispatching) that the per-API handlers plug into.
        .target(
            name: "KafkaServer",
            dependencies: [
                "BrokerEngine", "KafkaProtocol", "LogStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // An async client for any Kafka cluster: connections, metadata, produce, fetch, admin, groups.
        .target(
            name: "KafkaClient",
            dependencies: [
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The terminal console: views draw into a Screen; only Terminal/ talks to ncurses;
        // everything it shows comes through the ClusterBackend protocol.
        .target(
            name: "Console",
            // KafkaProtocol/NIOCore build the produce dialog's record batch and decode the
            // Messages view's batches; KafkaClient lends the dialog Java's partitioner (Murmur2)
            // so keys land where clients put them.
            dependencies: ["BrokerEngine", "LogStore", "CNcursesw", "KafkaProtocol", "KafkaClient",
                           .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "wharf",
            dependencies: [
                "KafkaProtocol", "LogStore", "BrokerEngine", "KafkaServer", "KafkaClient", "Console",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Writes Sources/KafkaProtocol/Generated/ from ../shared/kafka-message-specs (`make codegen`).
        .executableTarget(name: "ProtocolCodegen"),
        // `make bench`: throughput against limits measured in the same run (not a test).
        .executableTarget(
            name: "WharfBench",
            dependencies: [
                "KafkaProtocol", "LogStore", "BrokerEngine", "CCRC32C",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/WharfBench"
        ),
        // `make bench`: console render time per frame, idle CPU of `wharf console` (in tmux), tail throughput.
        .executableTarget(
            name: "ConsoleBench",
            dependencies: [
                "Console", "BrokerEngine", "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ConsoleBench"
        ),

        .testTarget(
            name: "KafkaProtocolTests",
            dependencies: ["WharfTestSupport", "KafkaProtocol", "CCRC32C", "CZstd", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Appends forever to a log directory; the crash test SIGKILLs it and recovers the log.
        .executableTarget(
            name: "LogCrashWriter",
            dependencies: [
                "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LogCrashWriter"
        ),
        .testTarget(
            name: "LogStoreTests",
            dependencies: ["WharfTestSupport", 
                "LogStore", "KafkaProtocol", "LogCrashWriter",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WharfCLITests",
            dependencies: ["WharfTestSupport", 
                "wharf", "KafkaProtocol", "LogStore", "BrokerEngine", "KafkaClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Shared by the test targets: ChildProcess (posix_spawn; not Foundation's Process), spawns serialised across the whole run.
        .target(name: "WharfTestSupport", path: "Tests/WharfTestSupport"),
        // Real Kafka clients (kcat, confluent-kafka, kafka-python) against an in-process cluster.
        .testTarget(
            name: "InteropTests",
            dependencies: ["WharfTestSupport", 
                "KafkaServer", "BrokerEngine", "LogStore", "KafkaProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // KafkaClient against a real in-process cluster served on 127.0.0.1.
        .testTarget(
            name: "KafkaClientTests",
            dependencies: [
                "KafkaClient", "KafkaServer", "BrokerEngine", "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KafkaServerHandlerTests",
            dependencies: [
                "KafkaServer", "BrokerEngine", "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BrokerEngineTests",
            dependencies: [
                "BrokerEngine", "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Views rendered to fixed-size Screens, key handling, and a tmux smoke test of the binary.
        .testTarget(
            name: "ConsoleTests",
            dependencies: ["WharfTestSupport", 
                "Console", "wharf", "BrokerEngine", "LogStore", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The real binary in tmux with a real Kafka client: Tests/e2e/*.py (make test).
        .testTarget(
            name: "E2ETests",
            dependencies: ["WharfTestSupport", "wharf"]
        ),
        .testTarget(
            name: "KafkaServerTests",
            dependencies: [
                "KafkaServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
