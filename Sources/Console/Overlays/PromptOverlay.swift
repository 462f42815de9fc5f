/// A one-line text field on the footer row: the `/` filter and simple inputs (a new topic's
/// name and sizes). Editing: type, Backspace, Ctrl-U clears, Ctrl-W deletes a word; Enter
/// submits, Esc cancels. A submission the caller rejects keeps the field open with the
/// reason beside it, and changes nothing.
public final class PromptOverlay: Overlay {
    public enum Outcome {
        /// Close the prompt and apply these effects.
        case done([Effect])
        /// Keep the prompt open and show why.
        case invalid(String)
    }

    public let prompt: String
    public private(set) var text: String
    public private(set) var error: String?
    private let onChange: ((String) -> Void)?
    private let onSubmit: (String) -> Outcome
    private let onCancel: (() -> [Effect])?

    public init(prompt: String, text: String = "", onChange: ((String) -> Void)? = nil,
                onSubmit: @escaping (String) -> Outcome, onCancel: (() -> [Effect])? = nil) {
        self.prompt = prompt
        self.text = text
        self.onChange = onChange
        self.onSubmit = onSubmit
        self.onCancel = onCancel
    }

    public var usesFooter: Bool { true }

    public func handle(_ key: Key, context: ViewContext) -> [Effect] {
        switch key {
        case .enter:
            switch onSubmit(text) {
            case .done(let effects): return [.dismissOverlay] + effects
            case .invalid(let reason):
                error = reason
                return []
            }
        case .escape:
            return [.dismissOverlay] + (onCancel?() ?? [])
        default:
            guard TextEditing.apply(key, to: &text) else { return [] }
            error = nil
            onChange?(text)
            return []
        }
    }

    public func render(into screen: inout Screen, context: ViewContext) {
        let row = screen.size.rows - 1
        TextEditing.drawField(prompt: prompt, text: text, error: error, row: row, into: &screen, theme: context.theme)
    }
}

/// Shared by the prompt and the palette: line editing and drawing a field with a cursor.
enum TextEditing {
    /// Applies an editing key to `text`; false when the key is not an editing key.
    static func apply(_ key: Key, to text: inout String) -> Bool {
        switch key {
        case .backspace, .ctrl("h"):
            if !text.isEmpty { text.removeLast() }
        case .ctrl("u"):
            text = ""
        case .ctrl("w"):
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " " { text.removeLast() }
        case .char(let character):
            text.append(character)
        default:
            return false
        }
        return true
    }

    /// `prompt text█` on `row`, scrolled so the cursor stays visible, and the error (if
    /// any) on the row above, across the whole width.
    static func drawField(prompt: String, text: String, error: String?, row: Int, into screen: inout Screen, theme: Theme) {
        let width = screen.size.columns
        screen.fill(Rect(row: row, column: 0, height: 1, width: width))
        var column = screen.put(prompt, row: row, column: 0, style: theme[.key], maxWidth: width)
        let room = max(1, width - column - 1)
        var visible = text
        while TextWidth.of(visible) > room - 1, !visible.isEmpty { visible.removeFirst() }
        column += screen.put(visible, row: row, column: column, style: theme[.input], maxWidth: room)
        screen.put(" ", row: row, column: column, style: Style(attributes: .reverse))
        if let error, row > 0 {
            screen.fill(Rect(row: row - 1, column: 0, height: 1, width: width))
            screen.put(" " + error, row: row - 1, column: 0, style: theme[.error], width: width)
        }
    }
}
