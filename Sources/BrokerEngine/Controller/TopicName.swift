/// Kafka's topic name rules (`org.apache.kafka.common.internals.Topic`).
public enum TopicName {
    /// `Topic.MAX_NAME_LENGTH`: 249, so that `<topic>-<partition>` plus a deletion suffix
    /// still fits a 255-byte file name.
    public static let maxLength = 249
    /// Topics Kafka treats as internal (`Topic.INTERNAL_TOPICS`).
    public static let internalTopics: Set<String> = ["__consumer_offsets", "__transaction_state"]

    public static func isInternal(_ name: String) -> Bool { internalTopics.contains(name) }

    /// `Topic.validate`: nil when legal, else Kafka's message.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "Topic name is illegal, it can't be empty" }
        if name == "." || name == ".." { return "Topic name cannot be \".\" or \"..\"" }
        if name.utf8.count > maxLength {
            return "Topic name is illegal, it can't be longer than \(maxLength) characters, topic name: \(name)"
        }
        let legal = name.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || c == 0x2E || c == 0x5F || c == 0x2D
        }
        if !legal {
            return "Topic name \"\(name)\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        }
        return nil
    }

    /// `Topic.hasCollisionChars`: '.' and '_' may collide in metric names, so Kafka warns.
    public static func hasCollisionChars(_ name: String) -> Bool { name.contains(".") || name.contains("_") }

    /// `Topic.unifyCollisionChars`: the form two colliding names share.
    public static func unifiedCollisionForm(_ name: String) -> String {
        String(name.map { $0 == "." ? "_" : $0 })
    }
}
