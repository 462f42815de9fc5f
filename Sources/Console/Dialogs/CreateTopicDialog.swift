import BrokerEngine
import Foundation

/// `n` on Topics, `:create-topic` without arguments: name, partitions, replication factor
/// and configs (Kafka's names, `retention.ms=86400000,cleanup.policy=compact`). The name
/// follows Kafka's rules (`TopicName`), numbers must be positive and the replication factor
/// at most the brokers up; what only the engine knows (a config it rejects) comes back in
/// the message line. Closes once the topic exists.
public final class CreateTopicDialog: FormDialog {
    public init() {
        super.init(title: "Create topic", form: Form([
            FormField("name", label: "Name", hint: "letters, digits, . _ -"),
            FormField("partitions", label: "Partitions", hint: "blank = cluster default"),
            FormField("replication", label: "Replication", hint: "blank = cluster default"),
            FormField("configs", label: "Configs", hint: "retention.ms=86400000,cleanup.policy=compact"),
        ]), submitLabel: "create")
    }

    /// The topic the form describes, or errors under the offending fields.
    func newTopic(context: ViewContext) -> NewTopic? {
        let name = form.trimmed("name")
        if let problem = TopicName.problem(name) {
            form.setError("name", problem)
        } else if context.topic(name) != nil {
            form.setError("name", "Topic \(name) already exists.")
        }
        var topic = NewTopic(name: name)
        let partitions = form.trimmed("partitions")
        if !partitions.isEmpty {
            if let count = Int32(partitions), count > 0 {
                topic.numPartitions = count
            } else {
                form.setError("partitions", "Partitions must be a positive number, not '\(partitions)'.")
            }
        }
        let replication = form.trimmed("replication")
        if !replication.isEmpty {
            if let factor = Int16(replication), factor > 0 {
                topic.replicationFactor = factor
                if let up = context.snapshot?.brokersUp, Int(factor) > up {
                    form.setError("replication", "Only \(up) broker\(up == 1 ? " is" : "s are") up: at most \(up).")
                }
            } else {
                form.setError("replication", "Replication factor must be a positive number, not '\(replication)'.")
            }
        }
        switch KeyValueList.parse(form["configs"]) {
        case .success(let pairs):
            for (key, value) in pairs { topic.configs[key] = value }
        case .failure(let error):
            form.setError("configs", error.description)
        }
        return form.hasErrors ? nil : topic
    }

    override func submit(context: ViewContext) -> [Effect] {
        guard let topic = newTopic(context: context) else { return [] }
        return start("Creating topic \(topic.name)", run: { backend in try await backend.createTopic(topic) },
                     success: { _ in "Topic \(topic.name) created" },
                     finished: { result in
                         if case .success = result { return [.dismissOverlay] }
                         return []
                     })
    }
}
