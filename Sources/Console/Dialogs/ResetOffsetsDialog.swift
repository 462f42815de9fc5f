import BrokerEngine
import LogStore

extension Action {
    public static let resetOffsets = Action("group.resetOffsets")
}

/// `r` on Groups or a group's detail, `:reset-offsets GROUP`: kafka-consumer-groups.sh
/// `--reset-offsets` in two steps. The form (scope, strategy, its value) → Enter plans the
/// reset through the backend as a dry run (the engine's `OffsetResetPlan`, clamped to each
/// log's range) → the preview shows CURRENT → NEW per partition → `y` commits it. The
/// engine refuses while the group has active members; the dialog shows its reason and
/// nothing changes.
public final class ResetOffsetsDialog: FormDialog {
    public let groupId: String
    /// The plan on show; nil while on the form.
    public private(set) var plan: OffsetResetPlan?
    /// How the plan was asked for (`to earliest · all topics`), for the preview's first line.
    private(set) var planSummary = ""

    public init(groupId: String) {
        self.groupId = groupId
        super.init(title: "Reset offsets of \(groupId)", form: Form([
            FormField("scope", label: "Scope", kind: .choice(ResetOffsetsInput.scopes)),
            FormField("topic", label: "Topic"),
            FormField("strategy", label: "Strategy", kind: .choice(ResetOffsetsInput.strategies)),
            FormField("value", label: "Value"),
        ]), submitLabel: "preview")
        fieldsChanged()
    }

    override func fieldsChanged() {
        form.setHint("topic", ResetOffsetsInput.topicHint(scope: form["scope"]))
        form.setHint("value", ResetOffsetsInput.valueHint(strategy: form["strategy"]))
    }

    override func submit(context: ViewContext) -> [Effect] {
        var scope: OffsetResetScope?
        var strategy: OffsetResetStrategy?
        switch ResetOffsetsInput.scope(form["scope"], topicText: form["topic"], context: context) {
        case .success(let value): scope = value
        case .failure(let error): form.setError("topic", error.description)
        }
        switch ResetOffsetsInput.strategy(form["strategy"], valueText: form["value"]) {
        case .success(let value): strategy = value
        case .failure(let error): form.setError("value", error.description)
        }
        guard let scope, let strategy else { return [] }
        let groupId = self.groupId
        let scopeText = form["scope"] == ResetOffsetsInput.allTopics ? "all topics" : form.trimmed("topic")
        planSummary = ResetOffsetsInput.describe(strategy: form["strategy"], value: form.trimmed("value")) + " · " + scopeText
        return start("Planning the reset of \(groupId)", run: { backend in
            try await backend.planOffsetReset(groupId: groupId, scope: scope, strategy: strategy)
        }, success: { "Preview: \($0.rows.count) partition\($0.rows.count == 1 ? "" : "s")" },
           finished: { [weak self] result in
            if case .success(let plan) = result { self?.plan = plan }
            return []
        })
    }

    /// The preview's keys: `y` commits, `n`/Esc/Backspace go back to the form.
    override func handleOther(_ key: Key, context: ViewContext) -> [Effect]? {
        guard let plan else { return nil }
        switch key {
        case .char("y"), .char("Y"):
            guard !plan.rows.isEmpty else { return [] }
            message = nil
            let count = plan.rows.count
            return start("Resetting offsets of \(plan.groupId)", run: { backend in try await backend.executeOffsetReset(plan) },
                         success: { _ in "Reset \(count) offset\(count == 1 ? "" : "s") of group \(plan.groupId)" },
                         finished: { result in
                             if case .success = result { return [.dismissOverlay] }
                             return []
                         })
        case .char("n"), .char("N"), .escape, .backspace:
            self.plan = nil
            message = nil
            return []
        default:
            return []
        }
    }

    override func bodyHeight(width: Int) -> Int {
        guard let plan else { return super.bodyHeight(width: width) }
        return previewHeight(plan, width: width)
    }

    override func renderBody(into screen: inout Screen, area: Rect, context: ViewContext) {
        guard let plan else { return super.renderBody(into: &screen, area: area, context: context) }
        renderPreview(plan, into: &screen, area: area, context: context)
    }

    override func keyHints(context: ViewContext) -> [TextSpan] {
        guard let plan, !isWaiting else { return super.keyHints(context: context) }
        var spans: [TextSpan] = []
        if !plan.rows.isEmpty { spans += [TextSpan("y", .dangerousKey), TextSpan(" reset these offsets  ")] }
        return spans + [TextSpan("n", .key), TextSpan("/"), TextSpan("Esc", .key), TextSpan(" back to the form")]
    }
}
