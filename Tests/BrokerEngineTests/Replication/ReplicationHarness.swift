import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Three brokers' replica managers on real log directories, with a minimal stand-in for the
/// controller: it holds each partition's state, accepts ISR changes by Kafka's epoch rules
/// and pushes new states to every replica. Fetchers are driven by hand (`replicate()`).
final class ReplicationHarness: @unchecked Sendable {
    let root: URL
    let scheduler = ManualScheduler()
    let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    var managers: [Int32: ReplicaManager] = [:]
    var fetchers: [Int32: ReplicaFetcher] = [:]
    /// Brokers whose fetchers are paused (a follower that stopped fetching).
    var paused: Set<Int32> = []
    /// Brokers that are down: nobody can fetch from them.
    var down: Set<Int32> = []
    let states = NIOLockedValueBox([TopicPartition: PartitionState]())
    let topic = TopicPartition(topic: "orders", partition: 0)
    var logConfig = LogConfig()

    init(brokers: [Int32] = [1, 2, 3], config: ReplicationConfig = ReplicationConfig()) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-repl-\(UUID().uuidString)")
        for id in brokers { try startBroker(id, config: config) }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func startBroker(_ id: Int32, config: ReplicationConfig = ReplicationConfig()) throws {
        let directory = try LogDirectory(path: root.appendingPathComponent("broker-\(id)").path, logger: quiet)
        let states = self.states
        let manager = ReplicaManager(
            brokerId: id, logDirectory: directory, config: config, scheduler: scheduler, logger: quiet,
            alterPartition: { [weak self] tp, leader, leaderEpoch, partitionEpoch, isr in
                var answer: (isr: Set<Int32>, partitionEpoch: Int32)?
                states.withLockedValue { states in
                    guard var state = states[tp], state.leader == leader, state.leaderEpoch == leaderEpoch,
                          state.partitionEpoch == partitionEpoch else { return }
                    state.isr = isr.sorted()
                    state.partitionEpoch += 1
                    states[tp] = state
                    answer = (isr, state.partitionEpoch)
                }
                if answer != nil { self?.pushStates(except: leader) }
                return answer
            })
        managers[id] = manager
        fetchers[id] = ReplicaFetcher(follower: manager, leaders: { [weak self] brokerId in
            guard let self, !self.down.contains(brokerId) else { return nil }
            return self.managers[brokerId]
        }, logger: quiet)
        down.remove(id)
    }

    /// The controller's decision for `topic`, applied on every live replica.
    func assign(_ state: PartitionState) throws {
        states.withLockedValue { $0[topic] = state }
        for replica in state.replicas where !down.contains(replica) {
            try managers[replica]?.applyPartitionState(topic, state, config: logConfig)
        }
    }

    func pushStates(except broker: Int32) {
        let all = states.withLockedValue { $0 }
        for (tp, state) in all {
            for replica in state.replicas where replica != broker && !down.contains(replica) {
                try? managers[replica]?.applyPartitionState(tp, state, config: logConfig)
            }
        }
    }

    var state: PartitionState { states.withLockedValue { $0[topic]! } }

    /// Runs follower fetch rounds until nothing moves (bounded).
    func replicate(rounds: Int = 20) {
        for _ in 0..<rounds {
            var progress = false
            for (id, fetcher) in fetchers.sorted(by: { $0.key < $1.key }) where !paused.contains(id) && !down.contains(id) {
                progress = fetcher.runOnce() || progress
            }
            if !progress { break }
        }
        // One more round so followers report their final log end offsets to the leader.
        for (id, fetcher) in fetchers where !paused.contains(id) && !down.contains(id) { fetcher.runOnce() }
    }

    static func batch(_ values: [String], timestamp: Int64 = 1_700_000_000_000) -> ByteBuffer {
        try! RecordBatch(records: values.map { RecordBatch.Entry(key: nil, value: ByteBuffer(string: $0), timestamp: timestamp) })
            .encoded(compression: CompressionCodec.none)
    }

    /// Produces and returns the completion, which may still be pending.
    func produce(_ values: [String], on broker: Int32, acks: Int16 = -1, timeoutMs: Int64 = 30_000)
        -> NIOLockedValueBox<Result<LogAppendInfo, ReplicationError>?> {
        let outcome = NIOLockedValueBox<Result<LogAppendInfo, ReplicationError>?>(nil)
        managers[broker]!.appendRecords(topic, records: Self.batch(values), requiredAcks: acks, timeoutMs: timeoutMs) { result in
            outcome.withLockedValue { $0 = result }
        }
        return outcome
    }

    /// Every record value of broker's log, in offset order.
    func values(on broker: Int32) throws -> [String] {
        let log = managers[broker]!.logDirectory.partition(topic)!
        var values: [String] = []
        var offset = log.logStartOffset
        while offset < log.logEndOffset {
            var records = try log.read(from: offset, maxBytes: 1 << 20).records
            guard records.readableBytes > 0 else { break }
            while records.readableBytes > 0 {
                let batch = try RecordBatch.decode(from: &records)
                values += batch.records.map { String(buffer: $0.value!) }
                offset = batch.lastOffset + 1
            }
        }
        return values
    }
}
