import BrokerEngine
import Foundation
import LogStore

/// What a view draws from: the newest snapshot, fetched extras, and how to draw.
/// A value made fresh for every frame and key press.
public struct ViewContext {
    /// Nil until the first snapshot arrives.
    public var snapshot: ClusterSnapshot?
    public var segments: [TopicPartition: Fetched<[SegmentInfo]>]
    public var configs: [String: Fetched<[ConfigEntry]>]
    public var theme: Theme
    public var glyphs: Glyphs
    public var readOnly: Bool
    public var nowMs: Int64
    public var timeZone: TimeZone
    /// The view on top (for help and the footer).
    public var focus: Focus
    /// The palette's command table.
    public var commands: [PaletteCommand]

    /// The view that has the keys: its title and binding table, and what the global keys
    /// can do in it.
    public struct Focus {
        public var title: String
        public var bindings: [KeyBinding]
        public var canGoBack: Bool
        public var isFilterable: Bool

        public init(title: String = "", bindings: [KeyBinding] = [], canGoBack: Bool = false, isFilterable: Bool = false) {
            self.title = title
            self.bindings = bindings
            self.canGoBack = canGoBack
            self.isFilterable = isFilterable
        }
    }

    public init(snapshot: ClusterSnapshot?, segments: [TopicPartition: Fetched<[SegmentInfo]>] = [:],
                configs: [String: Fetched<[ConfigEntry]>] = [:], theme: Theme = .colored, glyphs: Glyphs = .unicode,
                readOnly: Bool = false, nowMs: Int64 = 0, timeZone: TimeZone = .current, focus: Focus = Focus(),
                commands: [PaletteCommand] = PaletteCommands.standard) {
        self.snapshot = snapshot
        self.segments = segments
        self.configs = configs
        self.theme = theme
        self.glyphs = glyphs
        self.readOnly = readOnly
        self.nowMs = nowMs
        self.timeZone = timeZone
        self.focus = focus
        self.commands = commands
    }

    public func topic(_ name: String) -> TopicSnapshot? { snapshot?.topics.first { $0.name == name } }
    public func group(_ id: String) -> ConsumerGroupSnapshot? { snapshot?.groups.first { $0.groupId == id } }
}

/// A question before a dangerous action: `effects` run on yes, nothing on no.
public struct Confirmation {
    public var title: String
    public var message: String
    /// The word on the yes button (`Stop`, `Delete`, `Quit`).
    public var confirmLabel: String
    public var effects: [Effect]

    public init(title: String, message: String, confirmLabel: String = "Yes", effects: [Effect]) {
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
        self.effects = effects
    }
}

/// A line for the footer: progress, a result, or an error.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
    public static func error(_ text: String) -> StatusMessage { StatusMessage(text, isError: true) }
}

/// What handling a key asks the app to do. Views, overlays and palette commands return
/// effects instead of reaching into the app, which keeps them testable on their own.
public enum Effect {
    /// Drill into a view (Esc comes back).
    case push(any ConsoleView)
    case pop
    /// Replace the whole view stack (palette navigation: `:topics`).
    case replaceStack([any ConsoleView])
    /// Show a modal overlay (dialog, prompt, help); it gets every key until dismissed.
    case present(any Overlay)
    case dismissOverlay
    /// Ask first (y/n); the effects run on yes.
    case confirm(Confirmation)
    /// Run a cluster operation off the drawing thread; its result lands in the status line.
    case perform(BackendOperation)
    case status(StatusMessage)
    /// Perform an action of the view on top as if its key had been pressed (the palette's
    /// view commands); refused with `--read-only` when its binding changes the cluster.
    case action(Action)
    case quit
}

/// A screen of the console: a title for the breadcrumb, a key-binding table, and a body
/// drawn into a `Screen` area. Views are classes that keep their own selection and filter
/// and read everything else from the `ViewContext` they are given, so they render the live
/// cluster at each frame and can be tested with any snapshot.
///
/// To add a view: conform (most views subclass `TableView`), give it a binding table,
/// handle its actions in `perform`, and add a palette command for it in `PaletteCommands`.
public protocol ConsoleView: AnyObject {
    /// Its part of the breadcrumb (`Topics`, `orders`, `partition 3`).
    var title: String { get }
    /// This view's keys, searched before the global table; `showInFooter` rows go in the footer.
    var bindings: [KeyBinding] { get }
    /// Extra data to fetch (and refresh about once a second) while the view is on top.
    var dataNeeds: [DataNeed] { get }
    /// Text for the right of the frame's top edge (a position like `3/12`).
    func summary(context: ViewContext) -> String?
    func render(into screen: inout Screen, area: Rect, context: ViewContext)
    /// Handles one of its own actions or a global one it wants (navigation); nil lets the
    /// app handle a global action.
    func perform(_ action: Action, context: ViewContext) -> [Effect]?

    // Lifecycle, for views with work of their own (the Messages view's tail): the app calls
    // these as views join and leave the stack, and on shutdown, so nothing a view started
    // outlives it.
    /// The view joined the stack; start background work here, through `bridge`.
    func didEnterStack(bridge: BackendBridge)
    /// The view left the stack (popped, replaced, the app stopped): stop that work.
    func didLeaveStack()
    /// True when the view has something new to draw without a key or a snapshot (a tail's
    /// records); the app then redraws on its next tick.
    var wantsRedraw: Bool { get }
}

extension ConsoleView {
    public var dataNeeds: [DataNeed] { [] }
    public func summary(context: ViewContext) -> String? { nil }
    public func didEnterStack(bridge: BackendBridge) {}
    public func didLeaveStack() {}
    public var wantsRedraw: Bool { false }
}

/// A view whose rows `/` filters.
public protocol FilterableView: ConsoleView {
    var filterText: String { get set }
}

/// A modal layer over the view: help, the palette, a prompt, a confirmation, a dialog. It
/// gets every key while shown and draws after the view.
///
/// To add a dialog: conform, draw it in `render` (a centred `screen.box` is the usual frame),
/// return `[.dismissOverlay, .perform(operation)]` from `handle` when the user submits, and
/// present it from a binding with `.present(MyDialog(...))`.
public protocol Overlay: AnyObject {
    func render(into screen: inout Screen, context: ViewContext)
    func handle(_ key: Key, context: ViewContext) -> [Effect]
    /// True when it draws on the footer row itself (prompts, the palette).
    var usesFooter: Bool { get }
}

extension Overlay {
    public var usesFooter: Bool { false }
}
