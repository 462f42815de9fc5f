import Foundation

/// The model of a dialog's form: labelled fields, which one has the keys, and the error
/// under each. Key handling lives here so every dialog moves and edits alike; drawing is in
/// `Form+Rendering.swift`, submitting in the dialog that owns the form.
public struct FormField: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Free text with a cursor: ←/→, Home/End (Ctrl-A/Ctrl-E) move it, typing inserts at
        /// it, Backspace/Delete remove around it, Ctrl-U clears, Ctrl-W deletes a word back.
        case text
        /// One of these words, cycled with ←/→ or Space.
        case choice([String])
    }

    /// How the dialog looks the field up (`topic`, `partition`).
    public var id: String
    public var label: String
    public var kind: Kind
    public var value: String
    /// Dim words beside the value: what blank means, the expected syntax.
    public var hint: String
    /// Why the last submission was refused, drawn under the field until it is edited.
    public var error: String?
    /// Characters after the cursor: 0 puts it at the end, where it is whenever the value is
    /// set from outside, so a preset value is appended to.
    public var cursorFromEnd = 0

    public init(_ id: String, label: String, kind: Kind = .text, value: String = "", hint: String = "") {
        self.id = id
        self.label = label
        self.kind = kind
        self.value = value
        self.hint = hint
        if case .choice(let options) = kind, !options.contains(value), let first = options.first { self.value = first }
    }
}

public struct Form: Sendable {
    public var fields: [FormField]
    public var focused = 0

    /// What a key did, for the dialog to act on.
    public enum KeyOutcome: Equatable {
        /// A value changed (the dialog may refresh hints or clear a stale result).
        case edited
        /// The focus moved, or nothing visible changed.
        case handled
        case submit
        case cancel
        /// Not a form key: the dialog may use it.
        case ignored
    }

    public init(_ fields: [FormField]) {
        self.fields = fields
    }

    public subscript(id: String) -> String {
        get { fields.first { $0.id == id }?.value ?? "" }
        set {
            if let index = index(of: id) { fields[index].value = newValue }
        }
    }

    public func index(of id: String) -> Int? { fields.firstIndex { $0.id == id } }

    /// The value with surrounding spaces removed.
    public func trimmed(_ id: String) -> String { self[id].trimmingCharacters(in: .whitespaces) }

    public mutating func setError(_ id: String, _ message: String?) {
        if let index = index(of: id) { fields[index].error = message }
    }

    public mutating func setHint(_ id: String, _ hint: String) {
        if let index = index(of: id) { fields[index].hint = hint }
    }

    public mutating func clearErrors() {
        for index in fields.indices { fields[index].error = nil }
    }

    public var hasErrors: Bool { fields.contains { $0.error != nil } }

    /// Tab/↓ and Shift-Tab/↑ move (wrapping), ←/→/Space cycle a choice, ←/→/Home/End move a
    /// text field's cursor and editing keys edit at it, Enter submits, Esc cancels.
    public mutating func handle(_ key: Key) -> KeyOutcome {
        guard !fields.isEmpty else { return key == .escape ? .cancel : .ignored }
        switch key {
        case .enter: return .submit
        case .escape: return .cancel
        case .tab, .down:
            focused = (focused + 1) % fields.count
            return .handled
        case .backTab, .up:
            focused = (focused + fields.count - 1) % fields.count
            return .handled
        default:
            break
        }
        if case .choice(let options) = fields[focused].kind {
            guard !options.isEmpty else { return .ignored }
            let current = options.firstIndex(of: fields[focused].value) ?? 0
            switch key {
            case .right, .char(" "): fields[focused].value = options[(current + 1) % options.count]
            case .left: fields[focused].value = options[(current + options.count - 1) % options.count]
            default: return .ignored
            }
            fields[focused].error = nil
            return .edited
        }
        var field = fields[focused]
        let count = field.value.count
        field.cursorFromEnd = min(max(0, field.cursorFromEnd), count)
        switch key {
        case .left: field.cursorFromEnd = min(count, field.cursorFromEnd + 1)
        case .right: field.cursorFromEnd = max(0, field.cursorFromEnd - 1)
        case .home, .ctrl("a"): field.cursorFromEnd = count
        case .end, .ctrl("e"): field.cursorFromEnd = 0
        default:
            // Edit the part before the cursor as the prompt edits a whole line; Delete takes
            // the character after it.
            let split = field.value.index(field.value.endIndex, offsetBy: -field.cursorFromEnd)
            var before = String(field.value[..<split]), after = String(field.value[split...])
            if key == .delete {
                guard !after.isEmpty else { return .handled }
                after.removeFirst()
            } else if key == .ctrl("u") {
                before = ""
                after = ""
            } else {
                guard TextEditing.apply(key, to: &before) else { return .ignored }
            }
            field.value = before + after
            field.cursorFromEnd = after.count
            field.error = nil
            fields[focused] = field
            return .edited
        }
        fields[focused] = field
        return .handled
    }
}
