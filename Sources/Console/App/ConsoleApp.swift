import BrokerEngine
import LogStore

/// Where the app's frames go and its keys come from: the ncurses `Terminal`, or a scripted
/// terminal in tests, which then drive the very loop the binary runs.
public protocol TerminalDevice: AnyObject {
    var size: Size { get }
    /// Shows `screen`, writing only what changed since the last frame.
    func draw(_ screen: Screen)
    /// The next key, or nil after `timeoutMs` without one.
    func readKey(timeoutMs: Int) -> Key?
    /// Forget the last frame: the next `draw` repaints everything (Ctrl-L, after a resize).
    func invalidate()
    /// True once SIGINT, SIGTERM or SIGHUP arrived: the app quits cleanly.
    var isInterrupted: Bool { get }
}

/// The console: a stack of views, an optional overlay, the newest snapshot and fetched
/// extras, and the status line. The loop is one line of intent (STYLE.md): read a key, let
/// the overlay or the focused view handle it, else the global keymap; apply what came back
/// from the backend; redraw when something changed.
///
/// Not thread-safe: it lives on one thread (the main thread in `wharf console`); the
/// backend's results reach it through `BackendBridge`.
public final class ConsoleApp {
    public let options: ConsoleOptions
    public let bridge: BackendBridge
    public private(set) var stack: [any ConsoleView]
    public private(set) var overlay: (any Overlay)?
    public private(set) var snapshot: ClusterSnapshot?
    public private(set) var segments: [TopicPartition: Fetched<[SegmentInfo]>] = [:]
    public private(set) var configs: [String: Fetched<[ConfigEntry]>] = [:]
    public private(set) var status: (message: StatusMessage, untilMs: Int64?)?
    public private(set) var isFinished = false
    /// Operations started and not yet finished.
    public private(set) var operationsRunning = 0
    private var lastFetched: [DataNeed: Int64] = [:]
    private var wantsFullRedraw = false

    public init(backend: any ClusterBackend, options: ConsoleOptions = ConsoleOptions(),
                root: (any ConsoleView)? = nil) {
        self.options = options
        bridge = BackendBridge(backend: backend, clock: options.clock)
        stack = [root ?? TopicsView()]
        top.didEnterStack(bridge: bridge)
    }

    public var top: any ConsoleView { stack[stack.count - 1] }

    // MARK: The loop

    /// Runs until quit (`q` then `y`, `:quit`, Ctrl-C) or a signal; the caller then closes
    /// the terminal and stops the cluster.
    public func run(on terminal: any TerminalDevice, keyTimeoutMs: Int = 100) {
        bridge.startSnapshots(intervalMs: options.snapshotIntervalMs)
        defer {
            bridge.stop()
            // Views' own work (a tail) stops with the app.
            for view in stack { view.didLeaveStack() }
        }
        var dirty = true
        while !isFinished {
            if terminal.isInterrupted { break }
            if tick() { dirty = true }
            if wantsFullRedraw {
                terminal.invalidate()
                wantsFullRedraw = false
                dirty = true
            }
            if dirty {
                terminal.draw(render(size: terminal.size))
                dirty = false
            }
            guard let key = terminal.readKey(timeoutMs: keyTimeoutMs) else { continue }
            if key == .resize {
                terminal.invalidate()
            } else {
                handle(key)
            }
            dirty = true
        }
        isFinished = true
    }

    /// Applies what the backend sent, asks for the top view's data when it is due, expires
    /// the status line. True when the screen should be redrawn.
    @discardableResult
    public func tick() -> Bool {
        var changed = false
        for event in bridge.drain() {
            apply(event)
            changed = true
        }
        // A dialog waiting on its operation shows the outcome or closes itself.
        if let waiting = overlay as? any PollingOverlay, let effects = waiting.poll() {
            apply(effects)
            changed = true
        }
        let now = options.clock()
        for need in top.dataNeeds where now - (lastFetched[need] ?? Int64.min / 2) >= options.dataRefreshIntervalMs {
            lastFetched[need] = now
            bridge.fetch(need)
        }
        if top.wantsRedraw { changed = true }
        if let until = status?.untilMs, now >= until {
            status = nil
            changed = true
        }
        return changed
    }

    public func apply(_ event: BridgeEvent) {
        switch event {
        case .snapshot(let snapshot): self.snapshot = snapshot
        case .snapshotFailed(let reason): setStatus(.error("Cannot read the cluster: \(reason)"))
        case .segments(let partition, let fetched): segments[partition] = fetched
        case .configs(let topic, let fetched): configs[topic] = fetched
        case .operationFinished(let summary, let result):
            operationsRunning -= 1
            switch result {
            case .success(let message): setStatus(StatusMessage(message))
            case .failure(let error): setStatus(.error("\(summary) failed: \(error)"))
            }
            // Show the effect at once rather than at the next pump.
            Task { [bridge] in await bridge.refreshSnapshot() }
        }
    }

    // MARK: Keys

    public func handle(_ key: Key) {
        // Ctrl-C is the way out from anywhere, dialogs included.
        if key == .ctrl("c") {
            isFinished = true
            return
        }
        let context = self.context()
        if let overlay {
            apply(overlay.handle(key, context: context))
            return
        }
        if let binding = top.bindings.binding(for: key) {
            perform(binding, context: context)
        } else if let binding = GlobalBindings.table.binding(for: key) {
            perform(binding, context: context)
        }
    }

    /// A binding's action: the view's first, else the app's (global actions).
    private func perform(_ binding: KeyBinding, context: ViewContext) {
        if binding.mutates && options.readOnly {
            setStatus(.error("Read-only: \(binding.label) is disabled"))
            return
        }
        if let effects = top.perform(binding.action, context: context) {
            apply(effects)
        } else {
            performGlobal(binding.action, context: context)
        }
    }

    private func performGlobal(_ action: Action, context: ViewContext) {
        switch action {
        case .back:
            if let filterable = top as? any FilterableView, !filterable.filterText.isEmpty {
                filterable.filterText = ""
            } else if stack.count > 1 {
                setStack(Array(stack.dropLast()))
            }
        case .filter:
            guard let filterable = top as? any FilterableView else {
                setStatus(StatusMessage("This view has no filter"))
                return
            }
            overlay = PromptOverlay(prompt: "/", text: filterable.filterText,
                                    onChange: { filterable.filterText = $0 },
                                    onSubmit: { _ in .done([]) },
                                    onCancel: { filterable.filterText = ""; return [] })
        case .palette: overlay = PaletteOverlay(commands: options.commands)
        case .help: overlay = HelpOverlay()
        case .quit:
            overlay = ConfirmOverlay(Confirmation(
                title: "Quit Wharf", message: "Quitting stops the embedded cluster cleanly (checkpoints written) and closes its listeners.",
                confirmLabel: "Quit", effects: [.quit]))
        case .quitNow: isFinished = true
        case .redraw: wantsFullRedraw = true
        default: break
        }
    }

    /// Applies effects in order.
    public func apply(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .push(let view):
                setStack(stack + [view])
            case .pop:
                if stack.count > 1 { setStack(Array(stack.dropLast())) }
            case .replaceStack(let views):
                if !views.isEmpty { setStack(views) }
            case .present(let newOverlay):
                overlay = newOverlay
            case .dismissOverlay:
                overlay = nil
            case .confirm(let confirmation):
                overlay = ConfirmOverlay(confirmation)
            case .perform(let operation):
                if options.readOnly {
                    setStatus(.error("Read-only: \(operation.summary) is disabled"))
                    continue
                }
                operationsRunning += 1
                setStatus(StatusMessage(operation.summary + "…"), sticky: true)
                bridge.perform(operation)
            case .status(let message):
                setStatus(message)
            case .action(let action):
                let binding = (top.bindings + GlobalBindings.table).first { $0.action == action }
                    ?? KeyBinding([], action, label: action.rawValue, description: "")
                perform(binding, context: context())
            case .quit:
                isFinished = true
            }
        }
    }

    /// Every change of the stack goes through here, so views hear when they join and leave it.
    private func setStack(_ views: [any ConsoleView]) {
        let old = stack
        stack = views
        for view in old where !views.contains(where: { $0 === view }) { view.didLeaveStack() }
        for view in views where !old.contains(where: { $0 === view }) { view.didEnterStack(bridge: bridge) }
    }

    private func setStatus(_ message: StatusMessage, sticky: Bool = false) {
        status = (message, sticky ? nil : options.clock() + options.statusDurationMs)
    }

    // MARK: Drawing

    public func context() -> ViewContext {
        ViewContext(
            snapshot: snapshot, segments: segments, configs: configs, theme: options.theme, glyphs: options.glyphs,
            readOnly: options.readOnly, nowMs: options.clock(), timeZone: options.timeZone,
            focus: ViewContext.Focus(title: top.title, bindings: top.bindings, canGoBack: stack.count > 1,
                                     isFilterable: top is any FilterableView),
            commands: options.commands)
    }

    /// Smallest size drawn normally; below it the console says so.
    public static let minimumSize = Size(rows: 10, columns: 40)

    /// The whole frame at `size`: header, the top view in a frame with the breadcrumb,
    /// footer, and the overlay on top.
    public func render(size: Size) -> Screen {
        var screen = Screen(size: size, glyphs: options.glyphs)
        let theme = options.theme
        guard size.rows >= Self.minimumSize.rows, size.columns >= Self.minimumSize.columns else {
            let message = "Terminal too small: \(size), needs \(Self.minimumSize). q quits."
            for (row, line) in TextWidth.wrap(message, width: size.columns).enumerated() {
                screen.put(line, row: row, column: 0, style: theme[.warning], maxWidth: size.columns)
            }
            overlay?.render(into: &screen, context: context())
            return screen
        }
        let context = self.context()
        let header = Chrome.header(snapshot: snapshot, width: size.columns, readOnly: options.readOnly,
                                   listeners: options.listeners, glyphs: options.glyphs)
        for (row, spans) in header.enumerated() {
            screen.put(spans, row: row, column: 0, theme: theme, maxWidth: size.columns)
        }
        let frame = Rect(row: Chrome.headerHeight, column: 0, height: size.rows - Chrome.headerHeight - 1,
                         width: size.columns)
        screen.fill(frame.inset(by: 1))
        top.render(into: &screen, area: frame.inset(by: 1), context: context)
        // The frame after the view, so its summary can come from what was just drawn.
        screen.box(frame, style: theme[.border], title: breadcrumb(maxWidth: size.columns / 2 + 10),
                   titleStyle: theme[.title], rightTitle: top.summary(context: context), rightTitleStyle: theme[.dim],
                   clear: false)
        if overlay?.usesFooter != true { renderFooter(into: &screen, context: context) }
        overlay?.render(into: &screen, context: context)
        return screen
    }

    /// `Topics › orders › partition 3`, dropping the oldest parts when too long.
    func breadcrumb(maxWidth: Int) -> String {
        var titles = stack.map(\.title)
        var text = titles.joined(separator: options.glyphs.breadcrumb)
        while TextWidth.of(text) > maxWidth, titles.count > 1 {
            titles.removeFirst()
            text = String(options.glyphs.ellipsis) + options.glyphs.breadcrumb + titles.joined(separator: options.glyphs.breadcrumb)
        }
        return text
    }

    private func renderFooter(into screen: inout Screen, context: ViewContext) {
        let row = screen.size.rows - 1
        let theme = options.theme
        if let status {
            let role: Theme.Role = status.message.isError ? .error : .accent
            screen.put(" " + status.message.text, row: row, column: 0, style: theme[role], maxWidth: screen.size.columns)
            return
        }
        let bindings = Chrome.footerBindings(focus: context.focus, readOnly: options.readOnly)
        screen.put(Chrome.footer(bindings: bindings, width: screen.size.columns, glyphs: options.glyphs), row: row,
                   column: 0, theme: theme, maxWidth: screen.size.columns)
    }
}
