import BrokerEngine

extension Action {
    /// Stop the selected broker (controlled shutdown) or start it again.
    public static let toggleBroker = Action("broker.toggle")
    /// Kill the selected broker (no controlled shutdown; fenced afterwards).
    public static let killBroker = Action("broker.kill")
}

/// Brokers: id, state, leader and replica counts, bytes on disk, rates. `s` stops a running
/// broker (controlled shutdown, after confirming) or starts a stopped one, so failover can be
/// watched: the leader counts move and flash. Enter shows the topics.
public final class BrokersView: TableView {
    private var leaderChanges = ChangeTracker<Int32, Int>()

    public override init() {}

    public override var title: String { "Brokers" }

    public override var bindings: [KeyBinding] {
        [
            KeyBinding([.char("s")], .toggleBroker, label: "stop/start",
                       description: "Stop the selected broker (controlled: leaderships move first), or start it again",
                       command: "stop-start", mutates: true, isDangerous: true),
            KeyBinding([.char("K")], .killBroker, label: "kill",
                       description: "Kill the selected broker (like kill -9: fenced, logs recovered on restart)",
                       command: "kill", showInFooter: false, mutates: true, isDangerous: true),
            KeyBinding([.enter], .open, label: "topics", description: "Show the topics"),
        ]
    }

    override func columns(context: ViewContext) -> [TableColumn] {
        [
            TableColumn("ID", .right, min: 3, priority: 100),
            TableColumn("STATE", min: 7, priority: 95),
            TableColumn("LEADERS", .right, priority: 90),
            TableColumn("REPLICAS", .right, priority: 80),
            TableColumn("SIZE", .right, min: 9, priority: 70),
            TableColumn("IN/s", .right, min: 6, priority: 60),
            TableColumn("IN B/s", .right, min: 10, priority: 50),
            TableColumn("OUT/s", .right, min: 6, priority: 40),
            TableColumn("OUT B/s", .right, min: 10, priority: 30),
        ]
    }

    override func rows(context: ViewContext) -> [TableRow] {
        guard let snapshot = context.snapshot else { return [] }
        return snapshot.brokers.map { broker in
            let moved = leaderChanges.observe(broker.id, broker.leaderCount, nowMs: context.nowMs)
            let state: TextSpan = switch broker.state {
            case .up: TextSpan("up", .good)
            case .stopped: TextSpan("stopped", .danger)
            case .fenced: TextSpan("fenced", .warning)
            }
            return TableRow(id: "\(broker.id)", cells: [
                [TextSpan("\(broker.id)")],
                [state],
                [TextSpan("\(broker.leaderCount)", moved ? .changed : .normal)],
                [TextSpan("\(broker.replicaCount)")],
                [TextSpan(broker.state == .stopped ? "-" : Format.bytes(broker.bytesOnDisk))],
                [TextSpan(Format.count(broker.rates.recordsInPerSecond))],
                [TextSpan(Format.byteRate(broker.rates.bytesInPerSecond))],
                [TextSpan(Format.count(broker.rates.recordsOutPerSecond))],
                [TextSpan(Format.byteRate(broker.rates.bytesOutPerSecond))],
            ], filterText: "\(broker.id) \(broker.state.rawValue)")
        }
    }

    override func emptyMessage(context: ViewContext) -> String { "No brokers registered." }

    override func open(_ rowID: String, context: ViewContext) -> [Effect]? { [.replaceStack([TopicsView()])] }

    override func perform(_ action: Action, selected rowID: String?, context: ViewContext) -> [Effect]? {
        guard action == .toggleBroker || action == .killBroker else { return nil }
        guard let rowID, let id = Int32(rowID), let broker = context.snapshot?.brokers.first(where: { $0.id == id }) else {
            return []
        }
        if action == .killBroker {
            guard broker.state != .stopped else { return [.status(.error("Broker \(id) is not running."))] }
            return [.confirm(Self.killConfirmation(id))]
        }
        if broker.state == .stopped {
            return [.perform(BackendOperation("Starting broker \(id)") { backend in
                try await backend.startBroker(id)
                return "Broker \(id) started"
            })]
        }
        return [.confirm(Self.stopConfirmation(id, leaders: broker.leaderCount))]
    }

    static func stopConfirmation(_ id: Int32, leaders: Int) -> Confirmation {
        Confirmation(
            title: "Stop broker \(id)",
            message: "Controlled shutdown: its \(leaders) leadership\(leaders == 1 ? "" : "s") move to in-sync replicas, then its logs close cleanly. Start it again with s.",
            confirmLabel: "Stop",
            effects: [.perform(BackendOperation("Stopping broker \(id)") { backend in
                try await backend.stopBroker(id, controlled: true)
                return "Broker \(id) stopped"
            })])
    }

    static func killConfirmation(_ id: Int32) -> Confirmation {
        Confirmation(
            title: "Kill broker \(id)",
            message: "Stops it at once, like kill -9: the controller fences it and elects new leaders; its logs are recovered when it starts again.",
            confirmLabel: "Kill",
            effects: [.perform(BackendOperation("Killing broker \(id)") { backend in
                try await backend.stopBroker(id, controlled: false)
                return "Broker \(id) killed"
            })])
    }
}
