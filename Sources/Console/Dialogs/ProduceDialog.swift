import BrokerEngine
import Foundation
import LogStore

extension Action {
    public static let produce = Action("topic.produce")
}

/// `p` on Topics or Partitions, `:produce TOPIC`: one record with a key, a value and
/// headers, sent through the backend. Stays open after a send, showing where the record
/// landed (`Produced to orders-2 at offset 1234`), so several can be sent in a row.
public final class ProduceDialog: FormDialog {
    public init(topic: String = "", partition: Int32? = nil) {
        super.init(title: "Produce", form: Form([
            FormField("topic", label: "Topic", value: topic),
            FormField("partition", label: "Partition", value: partition.map { "\($0)" } ?? "",
                      hint: "blank = by key (default partitioner)"),
            FormField("key", label: "Key", hint: "blank = no key"),
            FormField("value", label: "Value"),
            FormField("headers", label: "Headers", hint: "k=v,k2=v2"),
        ]), submitLabel: "produce")
        // Start where the typing is: the value, when the topic came from the selection.
        form.focused = topic.isEmpty ? 0 : 3
    }

    /// The record the form describes, or errors under the offending fields.
    func record(context: ViewContext) -> ProduceRecord? {
        let topic = form.trimmed("topic")
        var partitionCount: Int?
        if topic.isEmpty {
            form.setError("topic", "Give a topic.")
        } else if context.snapshot != nil {
            if let known = context.topic(topic) {
                partitionCount = known.partitions.count
            } else {
                form.setError("topic", "Unknown topic \(topic).")
            }
        }
        var partition: Int32?
        let partitionText = form.trimmed("partition")
        if !partitionText.isEmpty {
            if let number = Int32(partitionText), number >= 0 {
                partition = number
                if let count = partitionCount, Int(number) >= count {
                    form.setError("partition", "\(topic) has partitions 0-\(count - 1), not \(number).")
                }
            } else {
                form.setError("partition", "'\(partitionText)' is not a partition number.")
            }
        }
        var headers: [ProduceRecord.Header] = []
        switch KeyValueList.parse(form["headers"]) {
        case .success(let pairs): headers = pairs.map { ProduceRecord.Header($0.key, $0.value) }
        case .failure(let error): form.setError("headers", error.description)
        }
        guard !form.hasErrors else { return nil }
        let key = form["key"]
        return ProduceRecord(topic: topic, partition: partition, key: key.isEmpty ? nil : key, value: form["value"],
                             headers: headers)
    }

    override func submit(context: ViewContext) -> [Effect] {
        guard let record = record(context: context) else { return [] }
        return start("Producing to \(record.topic)", run: { backend in try await backend.produce(record) },
                     success: { $0.summary },
                     finished: { [weak self] result in
                         if case .success(let produced) = result { self?.message = .success(produced.summary) }
                         return []
                     })
    }
}
