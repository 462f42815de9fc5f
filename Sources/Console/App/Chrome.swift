import BrokerEngine

/// The header (cluster health and traffic) and the footer (the keys that work now, or the
/// status line), drawn around every view.
public enum Chrome {
    /// Rows the header takes.
    public static let headerHeight = 2

    /// Line 1: brokers up/total, topics, partitions, under-replicated, offline (long labels
    /// when they fit, short ones otherwise). Line 2: records/s and bytes/s in and out, the
    /// cluster's in-rate sparkline and where clients connect.
    public static func header(snapshot: ClusterSnapshot?, width: Int, readOnly: Bool, listeners: String?,
                              glyphs: Glyphs) -> [[TextSpan]] {
        var first = [TextSpan(" Wharf", .accent)]
        if readOnly { first.append(TextSpan(" [read-only]", .warning)) }
        guard let snapshot else {
            return [first + [TextSpan("  waiting for the cluster…", .dim)], []]
        }
        let down = snapshot.brokers.count - snapshot.brokersUp
        let items: [(long: String, short: String, value: String, role: Theme.Role)] = [
            ("brokers", "brokers", "\(snapshot.brokersUp)/\(snapshot.brokers.count)",
             down == 0 ? .good : snapshot.brokersUp == 0 ? .danger : .warning),
            ("topics", "topics", "\(snapshot.topics.count)", .normal),
            ("partitions", "parts", "\(snapshot.partitionCount)", .normal),
            ("under-replicated", "URP", "\(snapshot.underReplicatedCount)", snapshot.underReplicatedCount > 0 ? .warning : .normal),
            ("offline", "offline", "\(snapshot.offlineCount)", snapshot.offlineCount > 0 ? .danger : .normal),
        ]
        func line(short: Bool) -> [TextSpan] {
            var spans = first
            for (index, item) in items.enumerated() {
                spans.append(TextSpan(index == 0 ? "  " : glyphs.separator, .dim))
                spans.append(TextSpan((short ? item.short : item.long) + " ", .dim))
                spans.append(TextSpan(item.value, item.role == .normal ? .accent : item.role))
            }
            return spans
        }
        let long = line(short: false)
        let top = long.width <= width ? long : line(short: true)

        let rates = snapshot.rates
        var second = [
            TextSpan(" in ", .dim), TextSpan(Format.count(rates.recordsInPerSecond), .accent), TextSpan(" rec/s ", .dim),
            TextSpan(Format.byteRate(rates.bytesInPerSecond)),
            TextSpan(glyphs.separator + "out ", .dim), TextSpan(Format.count(rates.recordsOutPerSecond), .accent),
            TextSpan(" rec/s ", .dim), TextSpan(Format.byteRate(rates.bytesOutPerSecond)),
        ]
        // Where clients connect matters more than the sparkline; the label goes first.
        var listenerText = listeners.map { "clients: \($0) " } ?? ""
        if let listeners, second.width + 1 + TextWidth.of(listenerText) > width { listenerText = listeners + " " }
        let room = width - second.width - 2 - TextWidth.of(listenerText) - 1
        if room >= 8 {
            let history = snapshot.rateHistory.map(\.recordsInPerSecond)
            second.append(TextSpan("  "))
            second.append(TextSpan(Sparkline.render(history, width: min(room, 60), glyphs: glyphs), .accent))
        }
        if !listenerText.isEmpty {
            let gap = width - second.width - TextWidth.of(listenerText)
            if gap >= 1 {
                second.append(TextSpan(String(repeating: " ", count: gap)))
                second.append(TextSpan(listenerText, .dim))
            }
        }
        return [top, second]
    }

    /// The hints for the footer: the view's own footer bindings, then the global ones that
    /// apply here (back only below the root, filter only on filterable views). Bindings
    /// that change the cluster are left out with `--read-only`.
    public static func footerBindings(focus: ViewContext.Focus, readOnly: Bool) -> [KeyBinding] {
        let own = focus.bindings.filter { $0.showInFooter && !($0.mutates && readOnly) }
        let ownActions = Set(own.map(\.action))
        let global = GlobalBindings.table.filter { binding in
            guard binding.showInFooter, !ownActions.contains(binding.action) else { return false }
            switch binding.action {
            case .back: return focus.canGoBack
            case .filter: return focus.isFilterable
            case .open: return false  // views name what Enter opens in their own table
            default: return true
            }
        }
        return own + global
    }

    /// `⏎ partitions  c configs  …  ? help  q quit`, as many as fit; `? help` always does.
    public static func footer(bindings: [KeyBinding], width: Int, glyphs: Glyphs) -> [TextSpan] {
        func hint(_ binding: KeyBinding) -> [TextSpan] {
            let key = binding.keys.first.map { $0.displayName(glyphs) } ?? ""
            return [TextSpan(key, binding.isDangerous ? .dangerousKey : .key), TextSpan(" \(binding.label)  ")]
        }
        let help = bindings.first { $0.action == .help }
        let reserved = help.map { hint($0).width } ?? 0
        var spans = [TextSpan(" ")]
        for binding in bindings where binding.action != .help {
            let next = hint(binding)
            if spans.width + next.width + reserved > width { continue }
            spans += next
        }
        if let help { spans += hint(help) }
        return spans
    }
}
