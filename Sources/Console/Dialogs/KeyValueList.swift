import Foundation

/// `key=value,key2=value2`, the form the produce dialog's headers and the create-topic
/// dialog's configs are typed in (kcat's `-H k=v` and kafka-topics.sh's `--config k=v`,
/// joined by commas). Spaces around keys are dropped; a value may contain `=`.
enum KeyValueList {
    static func parse(_ text: String) -> Result<[(key: String, value: String)], CommandError> {
        var pairs: [(key: String, value: String)] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = item.trimmingCharacters(in: .whitespaces)
            if item.isEmpty {
                if text.trimmingCharacters(in: .whitespaces).isEmpty { break }
                return .failure(CommandError("An empty item: write key=value,key2=value2."))
            }
            guard let equals = item.firstIndex(of: "=") else {
                return .failure(CommandError("'\(item)' has no '=': write key=value,key2=value2."))
            }
            let key = item[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { return .failure(CommandError("'\(item)' has no key before '='.")) }
            pairs.append((key, String(item[item.index(after: equals)...])))
        }
        return .success(pairs)
    }
}
