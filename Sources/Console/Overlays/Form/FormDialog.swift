/// A centred dialog around a `Form`: a title, the fields, a message line (progress, the
/// result, or an error the engine gave), and the keys. Dialogs subclass it, override
/// `submit` (validate, then `start` an operation) and, when they have another step (the
/// reset preview), `bodyHeight`/`renderBody`/`handleOther`.
///
/// Bad input is refused in `submit` with errors under the fields and no effects, so it
/// changes nothing; a failure from the cluster is shown in the message line, and the form
/// stays as typed to correct and resubmit.
public class FormDialog: PollingOverlay {
    public enum Message: Equatable {
        case progress(String)
        case success(String)
        case error(String)
    }

    public let title: String
    public var form: Form
    public internal(set) var message: Message?
    /// Footer words for Enter (`produce`, `create`, `preview`).
    public let submitLabel: String
    private var waiting: (() -> [Effect]?)?

    init(title: String, form: Form, submitLabel: String) {
        self.title = title
        self.form = form
        self.submitLabel = submitLabel
    }

    /// True while an operation it started has not finished.
    public var isWaiting: Bool { waiting != nil }

    // MARK: Keys

    public func handle(_ key: Key, context: ViewContext) -> [Effect] {
        // While the cluster works, only Esc (close; the result still reaches the status line).
        if isWaiting { return key == .escape ? [.dismissOverlay] : [] }
        if let effects = handleOther(key, context: context) { return effects }
        switch form.handle(key) {
        case .submit:
            form.clearErrors()
            message = nil
            return submit(context: context)
        case .cancel:
            return [.dismissOverlay]
        case .edited:
            if case .error = message { message = nil }
            fieldsChanged()
            return []
        case .handled, .ignored:
            return []
        }
    }

    /// Keys for a step other than the form (nil: the form has them).
    func handleOther(_ key: Key, context: ViewContext) -> [Effect]? { nil }

    /// Validates and starts the operation; overridden.
    func submit(context: ViewContext) -> [Effect] { [] }

    /// A value changed (update hints that depend on it).
    func fieldsChanged() {}

    // MARK: Operations

    /// Runs `run` through the bridge (its summary, then `success` or the error, in the
    /// status line) and hands the outcome to `finished` on the UI thread when it is done.
    func start<Value: Sendable>(_ summary: String, run: @escaping @Sendable (any ClusterBackend) async throws -> Value,
                                success: @escaping @Sendable (Value) -> String,
                                finished: @escaping (Result<Value, BackendError>) -> [Effect]) -> [Effect] {
        let box = ResultBox<Value>()
        message = .progress(summary + "…")
        waiting = { [weak self] in
            guard let result = box.take() else { return nil }
            self?.waiting = nil
            self?.message = nil
            if case .failure(let error) = result { self?.message = .error(error.description) }
            return finished(result)
        }
        return [.perform(BackendOperation(summary) { backend in
            do {
                let value = try await run(backend)
                box.set(.success(value))
                return success(value)
            } catch {
                let failure = error as? BackendError ?? BackendError("\(error)")
                box.set(.failure(failure))
                throw failure
            }
        })]
    }

    public func poll() -> [Effect]? { waiting?() }

    // MARK: Drawing

    /// Columns of the box at this screen width: fits 80 columns with a margin.
    static func width(for screen: Screen) -> Int { min(76, screen.size.columns - 4) }

    /// Rows of the body (between the top padding and the message) at `width`.
    func bodyHeight(width: Int) -> Int { form.height(width: width) }

    func renderBody(into screen: inout Screen, area: Rect, context: ViewContext) {
        form.render(into: &screen, area: area, theme: context.theme, glyphs: context.glyphs)
    }

    /// The keys line: `⏎ produce  Tab next  ←/→ choose  Esc close`.
    func keyHints(context: ViewContext) -> [TextSpan] {
        if isWaiting { return [TextSpan("Esc", .key), TextSpan(" close (the result goes to the status line)")] }
        let glyphs = context.glyphs
        var spans = [TextSpan(glyphs.enterKey, .key), TextSpan(" \(submitLabel)  "),
                     TextSpan("Tab", .key), TextSpan(" next field  ")]
        if form.fields.contains(where: { if case .choice = $0.kind { true } else { false } }) {
            spans += [TextSpan("\(glyphs.left)/\(glyphs.right)", .key), TextSpan(" choose  ")]
        }
        return spans + [TextSpan("Esc", .key), TextSpan(" cancel")]
    }

    private func messageLines(width: Int) -> [(String, Theme.Role)] {
        guard let message else { return [] }
        let (text, role): (String, Theme.Role) = switch message {
        case .progress(let text): (text, .dim)
        case .success(let text): (text, .good)
        case .error(let text): (text, .error)
        }
        return TextWidth.wrap(text, width: width).map { ($0, role) }
    }

    public func render(into screen: inout Screen, context: ViewContext) {
        let theme = context.theme
        let width = Self.width(for: screen)
        guard width >= 30, screen.size.rows >= 8 else { return }
        let inner = width - 4
        let messages = messageLines(width: inner)
        // Border, a blank row, the body, a blank row, the message, the keys.
        let wanted = 2 + 1 + bodyHeight(width: width - 2) + 1 + messages.count + (messages.isEmpty ? 0 : 1) + 1
        // Off the header's two rows and the footer at 24 rows; fewer on smaller screens.
        let height = min(wanted, screen.size.rows - (screen.size.rows >= 20 ? 4 : 2))
        let rect = screen.bounds.centered(height: height, width: width)
        screen.box(rect, style: theme[.border], title: title, titleStyle: theme[.title])
        let keysRow = rect.bottom - 2
        var row = keysRow - 1
        if !messages.isEmpty {
            row -= messages.count
            for (offset, line) in messages.enumerated() where row + offset > rect.row {
                screen.put(line.0, row: row + offset, column: rect.column + 2, style: theme[line.1], maxWidth: inner)
            }
            row -= 1
        }
        let body = Rect(row: rect.row + 2, column: rect.column + 1, height: max(0, row - rect.row - 2), width: width - 2)
        renderBody(into: &screen, area: body, context: context)
        screen.put(keyHints(context: context), row: keysRow, column: rect.column + 2, theme: theme, maxWidth: inner)
    }
}
