#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BrokerEngine
import Foundation
import KafkaProtocol
import LogStore

/// DescribeLogDirs (35), v1–4 (Kafka 4.x's range; kafka-python's v0-only
/// `describe_log_dirs` fails against Kafka 4 as it does here).
///
/// Each broker has one log directory, `<data-dir>/broker-<id>`, and the receiving broker
/// describes its own, as Kafka does. For the requested topics and partitions (null: all)
/// that have a log there: the size of its segments, the offset lag, and is_future false
/// (Wharf has no AlterReplicaLogDirs). v4 adds the volume's total and usable bytes
/// (statvfs).
///
/// Offset lag: 0 on the leader; on a follower, how far its log end is behind the leader's
/// (0 when the leader is not running). Kafka reports max(high watermark - log end, 0),
/// which is 0 on every replica since the high watermark never passes a replica's log end;
/// the log end difference says how far a follower really is behind.
struct DescribeLogDirsHandler: ApiHandler {
    typealias Request = DescribeLogDirsRequest
    typealias Response = DescribeLogDirsResponse
    var versions: ClosedRange<Int16> { 1...4 }

    func handle(_ request: DescribeLogDirsRequest, context: RequestContext) async -> DescribeLogDirsResponse? {
        guard let broker = context.cluster.broker(context.brokerId) else { return DescribeLogDirsResponse() }
        let logDirectory = broker.replicaManager.logDirectory
        let wanted = request.topics.map { topics in
            Dictionary(topics.map { ($0.topic, Set($0.partitions)) }, uniquingKeysWith: { $0.union($1) })
        }
        let image = context.cluster.controller.image
        var byTopic: [String: [Response.DescribeLogDirsPartition]] = [:]
        for tp in logDirectory.topicPartitions {
            if let wanted, wanted[tp.topic]?.contains(tp.partition) != true { continue }
            guard let log = logDirectory.partition(tp) else { continue }
            var lag: Int64 = 0
            if let leader = image.partition(tp)?.leader, leader != context.brokerId,
               let leaderLog = context.cluster.broker(leader)?.replicaManager.logDirectory.partition(tp) {
                lag = max(leaderLog.logEndOffset - log.logEndOffset, 0)
            }
            byTopic[tp.topic, default: []].append(
                .init(partitionIndex: tp.partition, partitionSize: Int64(log.size), offsetLag: lag, isFutureKey: false))
        }
        let path = Self.absolute(logDirectory.path)
        let space = Self.volumeSpace(path)
        let result = Response.DescribeLogDirsResult(
            logDir: path,
            topics: byTopic.keys.sorted().map { .init(name: $0, partitions: byTopic[$0]!.sorted { $0.partitionIndex < $1.partitionIndex }) },
            totalBytes: space?.total ?? -1, usableBytes: space?.usable ?? -1)
        return DescribeLogDirsResponse(results: [result])
    }

    /// Kafka answers the log directory's absolute path.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The volume's size and the bytes an unprivileged process may still use (Java's
    /// `FileStore.getTotalSpace` / `getUsableSpace`: f_blocks and f_bavail in f_frsize units).
    static func volumeSpace(_ path: String) -> (total: Int64, usable: Int64)? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let unit = Int64(stats.f_frsize)
        return (Int64(stats.f_blocks) * unit, Int64(stats.f_bavail) * unit)
    }
}
