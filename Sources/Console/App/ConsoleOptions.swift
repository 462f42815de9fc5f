import Foundation

/// How the console looks and behaves; `wharf console` fills it from its flags and the
/// environment, tests pin the clock, time zone, theme and glyphs.
public struct ConsoleOptions: Sendable {
    /// `--read-only`: every binding and command that changes the cluster is refused.
    public var readOnly = false
    public var theme: Theme = .colored
    public var glyphs: Glyphs = .unicode
    public var timeZone: TimeZone = .current
    /// Milliseconds since the epoch.
    public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    /// How often a snapshot is taken (and the screen redrawn): 4 times a second.
    public var snapshotIntervalMs = 250
    /// How often a view's extra data (segments, configs) is fetched again while it is shown.
    public var dataRefreshIntervalMs: Int64 = 1_000
    /// How long a result stays in the status line.
    public var statusDurationMs: Int64 = 5_000
    /// Where Kafka clients connect, shown in the header (`127.0.0.1:9092-9094`).
    public var listeners: String?
    /// The `:` commands (add yours to `PaletteCommands.standard`, or here for one app).
    public var commands: [PaletteCommand] = PaletteCommands.standard

    public init() {}
}
