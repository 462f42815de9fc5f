import BrokerEngine
import Console
import Foundation

/// The tail's ceiling: a topic filled beforehand, then a `TailSession` reading it from the
/// beginning through an `EmbeddedBackend`, timed until every record is in its ring. This is
/// the session's own loop (read through the engine's Fetch, decode, merge partitions, append
/// to the ring) with no producer competing for the two cores.
///
/// A jump (`b`) does not skip ahead, but pauses once the ring is full; to read the whole
/// topic without pausing, the ring here holds every record. So its appends never evict,
/// which a full 5,000-record ring does: that cost is in the tailed measurement instead.
struct TailCeiling {
    var recordsPerSecond = 0.0
    var megabytesPerSecond = 0.0

    static func measure(cluster: Cluster, topic: String, records: Int) throws -> TailCeiling {
        let fill = try BenchProducer(cluster: cluster, topic: topic, partitions: TailBench.partitions).run(records: records)
        let ring = MessageRing(capacity: fill.records, maxBytes: .max)
        let session = TailSession(topic: topic, start: .beginning, ring: ring)
        defer {
            session.stop()
            TailedRun.waitForNoRuns(session)
        }
        let start = monotonicSeconds()
        session.begin(backend: EmbeddedBackend(cluster: cluster))
        while ring.count < fill.records {
            guard monotonicSeconds() - start < 600 else {
                throw BenchError("the tail read \(ring.count) of \(fill.records) records in 600 s")
            }
            usleep(2_000)
        }
        let seconds = monotonicSeconds() - start
        return TailCeiling(recordsPerSecond: Double(fill.records) / seconds,
                           megabytesPerSecond: Double(fill.payloadBytes) / seconds / 1e6)
    }
}
