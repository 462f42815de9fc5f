/// A spec version range: "0+", "3-7", "5", or "none".
struct Versions: Equatable {
    var low: Int16
    var high: Int16   // Int16.max for "N+"

    static let none = Versions(low: 1, high: 0)

    init(low: Int16, high: Int16) { self.low = low; self.high = high }

    init(_ text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "none" { self = .none; return }
        if t.hasSuffix("+"), let n = Int16(t.dropLast()) { self.init(low: n, high: .max); return }
        let parts = t.split(separator: "-")
        if parts.count == 2, let a = Int16(parts[0]), let b = Int16(parts[1]) { self.init(low: a, high: b); return }
        if let n = Int16(t) { self.init(low: n, high: n); return }
        throw CodegenError.badVersions(text)
    }

    var isEmpty: Bool { low > high }
    func contains(_ v: Int16) -> Bool { v >= low && v <= high }
    /// Clamped to the message's valid versions.
    func intersect(_ other: Versions) -> Versions { Versions(low: max(low, other.low), high: min(high, other.high)) }
    func covers(_ other: Versions) -> Bool { other.isEmpty || (low <= other.low && high >= other.high) }

    /// A Swift boolean expression over `version` that is true inside this range, simplified
    /// against the message's valid versions.
    func condition(within valid: Versions) -> String {
        let r = intersect(valid)
        if r.isEmpty { return "false" }
        if r.low <= valid.low && r.high >= valid.high { return "true" }
        if r.low <= valid.low { return "version <= \(r.high)" }
        if r.high >= valid.high { return "version >= \(r.low)" }
        if r.low == r.high { return "version == \(r.low)" }
        return "(\(r.low)...\(r.high)).contains(version)"
    }
}

import Foundation

enum CodegenError: Error, CustomStringConvertible {
    case badVersions(String)
    case unknownType(String, in: String)
    case badDefault(String, field: String)
    var description: String {
        switch self {
        case .badVersions(let t): "bad version range \"\(t)\""
        case .unknownType(let t, let m): "unknown type \(t) in \(m)"
        case .badDefault(let d, let f): "bad default \"\(d)\" for \(f)"
        }
    }
}
