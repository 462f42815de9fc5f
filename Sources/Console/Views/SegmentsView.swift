import BrokerEngine
import LogStore

/// The segment files of one partition's log (from its leader, or a live replica): base
/// offset, end offset, size, records, first and last timestamp, offset and time index
/// entries, with the active segment marked. Fetched on demand and refreshed about once a
/// second while shown (`dataNeeds`), since listing segments touches the disk.
public final class SegmentsView: TableView {
    public let partition: TopicPartition

    public init(partition: TopicPartition) {
        self.partition = partition
        super.init()
    }

    public override var title: String { "partition \(partition.partition)" }
    public override var dataNeeds: [DataNeed] { [.segments(partition)] }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn(" ", min: 1, max: 1, priority: 100),
            TableColumn("BASE", .right, min: 8, priority: 95),
            TableColumn("END", .right, min: 8, priority: 30),
            TableColumn("SIZE", .right, min: 9, priority: 90),
            TableColumn("RECORDS", .right, min: 7, priority: 85),
            TableColumn("FIRST TIMESTAMP", min: 19, priority: 70),
            TableColumn("LAST TIMESTAMP", min: 19, priority: 75),
            TableColumn("INDEX", .right, priority: 60),
            TableColumn("TIMEIDX", .right, priority: 40),
            TableColumn("FILE", min: 24, max: 30, priority: 10),
        ]
    }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let segments = context.segments[partition]?.value else { return [] }
        return segments.map { segment in
            TableRow(id: "\(segment.baseOffset)",
                     filterText: "\(segment.baseOffset) \(segment.fileName)" + (segment.isActive ? " active" : "")) { [
                [TextSpan(segment.isActive ? String(context.glyphs.bullet) : " ", .good)],
                [TextSpan("\(segment.baseOffset)")],
                [TextSpan("\(segment.endOffset)")],
                [TextSpan(Format.bytes(segment.sizeInBytes))],
                [TextSpan(segment.recordCount.map { "\($0)" } ?? "?")],
                [TextSpan(Format.timestamp(segment.firstTimestamp, timeZone: context.timeZone))],
                [TextSpan(Format.timestamp(segment.maxTimestamp, timeZone: context.timeZone))],
                [TextSpan("\(segment.offsetIndexEntries)")],
                [TextSpan("\(segment.timeIndexEntries)")],
                [TextSpan(segment.fileName)],
            ] }
        }
    }

    override func preambleHeight(area: Rect, context: ViewContext) -> Int { 1 }

    override func renderPreamble(into screen: inout Screen, area: Rect, context: ViewContext) {
        let theme = context.theme
        var spans = [TextSpan(" \(partition)", .title)]
        if let state = context.topic(partition.topic)?.partitions.first(where: { $0.partition == partition.partition }) {
            let source = state.isOffline ? "a live replica (offline)" : "the leader, broker \(state.leader)"
            spans.append(TextSpan("  from \(source)", .dim))
        }
        spans.append(TextSpan("  \(context.glyphs.bullet) active", .good))
        screen.put(spans, row: area.row, column: area.column, theme: theme, maxWidth: area.width)
    }

    override func emptyMessage(context: ViewContext) -> String {
        guard let fetched = context.segments[partition] else { return "Loading segments…" }
        if let error = fetched.error { return "Cannot list segments: \(error)" }
        return "No segments: no live replica hosts \(partition)."
    }
}
