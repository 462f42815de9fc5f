import CNcursesw
import Foundation
import Glibc

/// The one place that talks to ncurses (with `Terminal+Keys.swift`): it takes the terminal
/// (raw mode, no echo, keypad, hidden cursor, colours unless `NO_COLOR`), flushes `Screen`s
/// by writing only the cells that changed since the previous frame (nothing is ever
/// cleared, so nothing flickers), reads keys with a timeout, follows resizes, and gives the
/// terminal back on `close()`, at process exit and when SIGINT/SIGTERM/SIGHUP arrive
/// (SWIFT-NOTES.md §1: its pitfalls are handled here).
///
/// Not thread-safe: ncurses is not; use it from one thread.
public final class Terminal: TerminalDevice {
    public enum OpenError: Error, CustomStringConvertible {
        case notATerminal
        case cannotInitialize(term: String)

        public var description: String {
            switch self {
            case .notATerminal:
                return "the console needs a terminal: standard input and output must be a TTY (use `wharf serve` otherwise)"
            case .cannotInitialize(let term):
                return "cannot open the terminal (TERM=\(term)); try TERM=xterm-256color"
            }
        }
    }

    public let glyphs: Glyphs
    public let usesColor: Bool
    private let window: UnsafeMutablePointer<WINDOW>
    private let screenPointer: OpaquePointer
    private let signals: TerminalSignals
    private var previous: Screen?
    private var pairs: [Int: Int16] = [:]
    private var closed = false
    /// Reads that failed at once instead of waiting for the timeout, in a row.
    private var instantFailures = 0
    /// The terminal stopped delivering input (hung up, closed): `wget_wch` fails at once
    /// forever, and the loop would spin (SWIFT-NOTES §1), so the console quits instead.
    public private(set) var inputLost = false

    /// Sets the locale and decides between UTF-8 and ASCII drawing: `setlocale(LC_ALL, "")`,
    /// and when no locale variable is set at all (env -i, cron, some CI), C.UTF-8 rather
    /// than ncurses' silent ASCII (it drops non-ASCII text in the C locale). A locale that
    /// is set but not UTF-8 gets ASCII. Call before `open`.
    public static func prepareLocale(environment: [String: String] = ProcessInfo.processInfo.environment) -> Charset {
        setlocale(LC_ALL, "")
        if isUTF8() { return .unicode }
        let set = ["LC_ALL", "LC_CTYPE", "LANG"].contains { !(environment[$0] ?? "").isEmpty }
        if !set, setlocale(LC_CTYPE, "C.UTF-8") != nil, isUTF8() { return .unicode }
        return .ascii
    }

    private static func isUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Takes the terminal. `colors` false (NO_COLOR) never starts colour even when the
    /// terminal has it.
    public init(charset: Charset, colors: Bool) throws(OpenError) {
        guard isatty(0) != 0, isatty(1) != 0 else { throw .notATerminal }
        // Before newterm: ncurses installs its own SIGINT/SIGTERM handlers (which exit(1)
        // and skip our shutdown) only while they are at SIG_DFL.
        signals = TerminalSignals()
        guard let screen = newterm(nil, fdopen(1, "w"), fdopen(0, "r")) else {
            signals.restore()
            throw .cannotInitialize(term: ProcessInfo.processInfo.environment["TERM"] ?? "(unset)")
        }
        screenPointer = screen
        window = cn_stdscr()
        atexit { cn_endwin_if_needed() }
        cn_install_crash_handlers()
        glyphs = Glyphs.forCharset(charset)
        raw()  // Ctrl-C arrives as a key, so quitting always runs our shutdown.
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        leaveok(window, true)
        if colors, has_colors() {
            start_color()
            use_default_colors()
            usesColor = true
        } else {
            usesColor = false
        }
    }

    deinit { close() }

    /// Gives the terminal back (cursor, echo, cooked mode, the shell's screen).
    public func close() {
        guard !closed else { return }
        closed = true
        endwin()
        delscreen(screenPointer)
        signals.restore()
    }

    public var isInterrupted: Bool { signals.received != nil || inputLost }

    /// The signal that interrupted the console, if one did.
    public var interruption: Int32? { signals.received }

    public var size: Size { Size(rows: Int(getmaxy(window)), columns: Int(getmaxx(window))) }

    public func invalidate() {
        previous = nil
        clearok(window, true)
    }

    // MARK: Drawing

    public func draw(_ screen: Screen) {
        guard !closed else { return }
        let current = size
        let full = previous == nil || previous?.size != screen.size
        for row in 0..<min(screen.size.rows, current.rows) {
            let columns = min(screen.size.columns, current.columns)
            guard let span = changedSpan(row: row, columns: columns, screen: screen, full: full) else { continue }
            writeRun(screen, row: row, from: span.lowerBound, to: span.upperBound)
        }
        previous = screen
        wnoutrefresh(window)
        doupdate()
    }

    /// The columns of `row` that differ from the previous frame, widened to whole wide
    /// characters.
    private func changedSpan(row: Int, columns: Int, screen: Screen, full: Bool) -> Range<Int>? {
        guard columns > 0 else { return nil }
        if full { return 0..<columns }
        guard let previous else { return 0..<columns }
        var first = -1, last = -1
        for column in 0..<columns where screen.cell(row, column) != previous.cell(row, column) {
            if first < 0 { first = column }
            last = column
        }
        guard first >= 0 else { return nil }
        if screen.cell(row, first).isContinuation || previous.cell(row, first).isContinuation { first = max(0, first - 1) }
        if last + 1 < columns, screen.cell(row, last + 1).isContinuation || previous.cell(row, last + 1).isContinuation {
            last += 1
        }
        return first..<(last + 1)
    }

    /// Writes cells `from..<to` of `row` in runs of one style.
    private func writeRun(_ screen: Screen, row: Int, from: Int, to: Int) {
        var column = from
        while column < to {
            let style = screen.cell(row, column).style
            var text: [wchar_t] = []
            let start = column
            while column < to, screen.cell(row, column).style == style {
                let cell = screen.cell(row, column)
                if !cell.isContinuation {
                    for scalar in cell.character.unicodeScalars { text.append(wchar_t(bitPattern: scalar.value)) }
                }
                column += 1
            }
            guard !text.isEmpty else { continue }
            let count = Int32(text.count)
            text.append(0)
            _ = cn_wattr_set(window, attributes(style), pair(for: style))
            // Writing the bottom-right cell returns ERR (the cursor cannot move past it) but
            // the character is shown, so the result is ignored.
            _ = mvwaddnwstr(window, Int32(row), Int32(start), text, count)
        }
        _ = cn_wattr_set(window, cn_a_normal(), 0)
    }

    private func attributes(_ style: Style) -> attr_t {
        var bits = cn_a_normal()
        if style.isBold { bits |= cn_a_bold() }
        if style.isDim { bits |= cn_a_dim() }
        if style.isReverse { bits |= cn_a_reverse() }
        if style.isUnderline { bits |= cn_a_underline() }
        return bits
    }

    /// A colour pair per (foreground, background), allocated on first use; 0 without colour.
    private func pair(for style: Style) -> Int16 {
        guard usesColor, style.hasColor else { return 0 }
        let key = Int(style.foreground.rawValue) << 8 | Int(style.background.rawValue)
        if let pair = pairs[key] { return pair }
        let number = Int16(pairs.count + 1)
        guard Int32(number) < cn_color_pairs() else { return 0 }
        init_pair(number, Self.curses(style.foreground), Self.curses(style.background))
        pairs[key] = number
        return number
    }

    private static func curses(_ color: Style.Color) -> Int16 {
        switch color {
        case .default: -1
        case .black: Int16(COLOR_BLACK)
        case .red: Int16(COLOR_RED)
        case .green: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW)
        case .blue: Int16(COLOR_BLUE)
        case .magenta: Int16(COLOR_MAGENTA)
        case .cyan: Int16(COLOR_CYAN)
        case .white: Int16(COLOR_WHITE)
        }
    }

    // MARK: Keys

    public func readKey(timeoutMs: Int) -> Key? {
        guard !closed else { return nil }
        wtimeout(window, Int32(timeoutMs))
        var character: wint_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let result = wget_wch(window, &character)
        if result == ERR {
            let waitedMs = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
            instantFailures = timeoutMs >= 20 && waitedMs < timeoutMs / 4 ? instantFailures + 1 : 0
            if instantFailures >= 20 { inputLost = true }
            return nil
        }
        instantFailures = 0
        if result == KEY_CODE_YES { return Self.functionKey(Int32(bitPattern: character)) }
        return Self.characterKey(UInt32(character))
    }
}

/// SIGINT, SIGTERM and SIGHUP, caught for the console: the loop sees `received` and quits
/// through the normal path (terminal restored, cluster stopped cleanly). In raw mode Ctrl-C
/// is a key, so these come from `kill` or a closed terminal.
final class TerminalSignals: @unchecked Sendable {
    private static let numbers = [SIGINT, SIGTERM, SIGHUP]
    private let lock = NSLock()
    private var first: Int32?
    private var sources: [any DispatchSourceSignal] = []

    init() {
        sources = Self.numbers.map { number in
            signal(number, SIG_IGN)  // Otherwise the default action runs before the source sees it.
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.withLock { if self.first == nil { self.first = number } }
            }
            source.resume()
            return source
        }
    }

    var received: Int32? { lock.withLock { first } }

    /// Back to the default actions: a second signal during a hung shutdown kills the process.
    func restore() {
        for source in sources { source.cancel() }
        sources = []
        for number in Self.numbers { signal(number, SIG_DFL) }
    }
}
