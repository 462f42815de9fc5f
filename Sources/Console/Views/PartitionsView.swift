import BrokerEngine
import LogStore

/// The partitions of one topic: leader (flashing when it moves, `none` when offline),
/// leader epoch, replicas, ISR with the out-of-sync replicas marked `!id`, log start, high
/// watermark, log end offset, size and segment count. Enter shows the segments, `p`
/// produces a record to the selected partition.
public final class PartitionsView: TableView {
    public let topic: String
    private var leaderChanges = ChangeTracker<Int32, Int32>()

    public init(topic: String, selecting partition: Int32? = nil) {
        self.topic = topic
        super.init()
        list.selectedID = partition.map { "\($0)" }
    }

    public override var title: String { topic }

    public override var bindings: [KeyBinding] {
        [
            KeyBinding([.enter], .open, label: "segments", description: "Show the segments of the selected partition"),
            KeyBinding([.char("c")], .showConfigs, label: "configs", description: "Show the topic's configuration",
                       command: "show-configs"),
            KeyBinding([.char("t")], .tail, label: "tail", description: "Tail the selected partition's messages (live)",
                       command: "tail-selected"),
            KeyBinding([.char("p")], .produce, label: "produce", description: "Produce a record to the selected partition",
                       mutates: true),
        ]
    }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn("P", .right, min: 3, priority: 100),
            TableColumn("LEADER", .right, priority: 95),
            TableColumn("EPOCH", .right, priority: 20),
            TableColumn("REPLICAS", min: 8, max: 30, priority: 80),
            TableColumn("ISR", min: 8, max: 30, priority: 90),
            TableColumn("LOG START", .right, priority: 60),
            TableColumn("HW", .right, min: 7, priority: 85),
            TableColumn("LEO", .right, min: 7, priority: 75),
            TableColumn("SIZE", .right, min: 9, priority: 70),
            TableColumn("SEGS", .right, priority: 50),
        ]
    }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let topic = context.topic(topic) else { return [] }
        return topic.partitions.map { partition in
            let moved = leaderChanges.observe(partition.partition, partition.leader, nowMs: context.nowMs)
            let leader = partition.isOffline ? TextSpan("none", .danger)
                : TextSpan("\(partition.leader)", moved ? .changed : .normal)
            return TableRow(id: "\(partition.partition)", filterText: "\(partition.partition) leader \(partition.leader)",
                            tint: partition.isOffline ? .danger : nil) { [
                [TextSpan("\(partition.partition)")],
                [leader],
                [TextSpan("\(partition.leaderEpoch)")],
                [TextSpan(partition.replicas.map(String.init).joined(separator: ","))],
                Self.isrSpans(partition),
                [TextSpan("\(partition.logStartOffset)")],
                [TextSpan("\(partition.highWatermark)")],
                [TextSpan("\(partition.logEndOffset)")],
                [TextSpan(Format.bytes(partition.sizeBytes))],
                [TextSpan("\(partition.segmentCount)")],
            ] }
        }
    }

    /// `1,3 !2`: the in-sync replicas, then each out-of-sync one marked (in the danger colour).
    static func isrSpans(_ partition: PartitionSnapshot) -> [TextSpan] {
        var spans = [TextSpan(partition.isr.map(String.init).joined(separator: ","))]
        let missing = partition.outOfSyncReplicas
        if !missing.isEmpty {
            spans.append(TextSpan(" " + missing.map { "!\($0)" }.joined(separator: " "), .danger))
        }
        return spans
    }

    override func emptyMessage(context: ViewContext) -> String {
        context.topic(topic) == nil ? "Topic \(topic) does not exist (any more)." : "No partitions."
    }

    override func open(_ rowID: String, context: ViewContext) -> [Effect]? {
        guard let partition = Int32(rowID) else { return [] }
        return [.push(SegmentsView(partition: TopicPartition(topic, partition)))]
    }

    override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
        switch action {
        case .showConfigs:
            return [.push(TopicConfigsView(topic: topic, namesTopic: false))]
        case .produce:
            return [.present(ProduceDialog(topic: topic, partition: rowID.flatMap { Int32($0) }))]
        case .tail:
            guard let rowID, let partition = Int32(rowID) else { return [] }
            return [.push(MessagesView(topic: topic, partition: partition))]
        default:
            return nil
        }
    }
}
