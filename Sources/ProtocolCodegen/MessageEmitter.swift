/// Writes one spec (a request, a response or a header) as a Swift struct, with every
/// struct it uses nested inside it, and a version-aware reader and writer.
struct MessageEmitter {
    let spec: MessageSpec
    let valid: Versions
    let flexible: Versions
    /// Every struct the message uses (inline and common), by name, in definition order.
    private(set) var structs: [(name: String, fields: [FieldSpec])] = []

    init(spec: MessageSpec) throws {
        self.spec = spec
        valid = try Versions(spec.validVersions)
        flexible = try Versions(spec.flexibleVersions ?? "none")
        for common in spec.commonStructs ?? [] { try collect(name: common.name, fields: common.fields) }
        try collectNested(spec.fields ?? [])
    }

    private mutating func collect(name: String, fields: [FieldSpec]) throws {
        if !structs.contains(where: { $0.name == name }) { structs.append((name, fields)) }
        try collectNested(fields)
    }

    private mutating func collectNested(_ fields: [FieldSpec]) throws {
        for field in fields {
            guard let nested = field.fields else { continue }
            var type = FieldType(field.type)
            if case .array(let e) = type { type = e }
            guard case .structure(let name) = type else { throw CodegenError.unknownType(field.type, in: spec.name) }
            try collect(name: name, fields: nested)
        }
    }

    /// The whole top-level declaration.
    func emit(protocolName: String, extraStatics: [String]) throws -> [String] {
        var lines = ["public struct \(spec.name): \(protocolName) {"]
        var body: [String] = extraStatics
        body.append("public static let validVersions: ClosedRange<Int16> = \(valid.low)...\(valid.high)")
        if flexible.isEmpty {
            body.append("public static let flexibleVersions: PartialRangeFrom<Int16>? = nil")
        } else {
            body.append("public static let flexibleVersions: PartialRangeFrom<Int16>? = \(flexible.low)...")
        }
        body.append("")
        body += try emitMembers(typeName: spec.name, fields: spec.fields ?? [])
        for s in structs {
            body.append("")
            body.append("public struct \(s.name): KafkaStruct {")
            body += try emitMembers(typeName: s.name, fields: s.fields).indented
            body.append("}")
        }
        lines += body.indented
        lines.append("}")
        return lines
    }

    // MARK: - Members

    private struct Field {
        var spec: FieldSpec
        var name: String
        var type: FieldType
        var versions: Versions
        var nullable: Versions
        var tagged: Versions?
        var compactOverride: Versions?
        var isOptional: Bool { !nullable.isEmpty }
        var swiftType: String { isOptional ? "\(type.swiftType)?" : type.swiftType }
    }

    private func fields(_ specs: [FieldSpec]) throws -> [Field] {
        try specs.compactMap { f in
            let versions = try Versions(f.versions).intersect(valid)
            if versions.isEmpty { return nil }
            let nullable = try f.nullableVersions.map { try Versions($0).intersect(versions) } ?? .none
            let tagged = try f.taggedVersions.map { try Versions($0).intersect(versions) }
            let compact = try f.flexibleVersions.map { try Versions($0) }
            return Field(spec: f, name: propertyName(f.name), type: FieldType(f.type), versions: versions,
                         nullable: nullable, tagged: tagged, compactOverride: compact)
        }
    }

    private func emitMembers(typeName: String, fields specs: [FieldSpec]) throws -> [String] {
        let fs = try fields(specs)
        var out: [String] = []
        for f in fs {
            if let about = f.spec.about, !about.isEmpty { out.append("/// \(about.replacingOccurrences(of: "\n", with: " "))") }
            out.append("public var \(f.name): \(f.swiftType)")
        }
        out.append("/// Tagged fields this version of the schema does not know, kept to re-encode losslessly.")
        out.append("public var unknownTaggedFields: TaggedFields")
        out.append("")
        // Memberwise init with the spec's defaults.
        var params: [String] = []
        for f in fs { params.append("\(f.name): \(f.swiftType) = \(try defaultValue(f))") }
        params.append("unknownTaggedFields: TaggedFields = TaggedFields()")
        out.append("public init(")
        out += params.enumerated().map { i, p in "    " + p + (i == params.count - 1 ? "" : ",") }
        out.append(") {")
        for f in fs { out.append("    self.\(f.name) = \(f.name)") }
        out.append("    self.unknownTaggedFields = unknownTaggedFields")
        out.append("}")
        out.append("")
        out.append("public init() { self.init(unknownTaggedFields: TaggedFields()) }")
        out.append("")
        out += try emitReader(typeName: typeName, fields: fs)
        out.append("")
        out += try emitWriter(fields: fs)
        return out
    }

    // MARK: - Reading

    private func emitReader(typeName: String, fields fs: [Field]) throws -> [String] {
        var body: [String] = ["self.init()"]
        for f in fs {
            let cond = bodyCondition(f)
            if cond == "false" { continue }
            body += wrap(cond, try readStatements(f, buffer: "buffer", compact: compactCondition(f)))
        }
        let taggedFields = fs.filter { $0.tagged.map { !$0.isEmpty } ?? false }
        let flexCond = flexible.condition(within: valid)
        if flexCond != "false" {
            let binding = taggedFields.isEmpty ? "let" : "var"
            var t: [String] = ["\(binding) tagged = try buffer.readTaggedFields().orThrow(\"\(typeName) tagged fields\")"]
            for f in taggedFields {
                guard let tag = f.spec.tag else { continue }
                let cond = f.tagged!.condition(within: valid)
                let guardCond = cond == "true" ? "" : "\(cond), "
                t.append("if \(guardCond)var field = tagged.fields.removeValue(forKey: \(tag)) {")
                t += try readStatements(f, buffer: "field", compact: "true").indented
                t.append("}")
            }
            t.append("self.unknownTaggedFields = tagged")
            body += wrap(flexCond, t)
        }
        let usesVersion = body.contains { $0.contains("version") }
        var out = ["public init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaDecodingError) {"]
        if !usesVersion { out.append("    _ = version") }
        out += body.indented
        out.append("}")
        return out
    }

    /// When the field is in the body (not tagged) at `version`.
    private func bodyCondition(_ f: Field) -> String {
        let inVersions = f.versions.condition(within: valid)
        guard let tagged = f.tagged, !tagged.isEmpty else { return inVersions }
        if tagged.covers(f.versions) { return "false" }
        let t = tagged.condition(within: valid)
        return inVersions == "true" ? "!(\(t))" : "\(inVersions) && !(\(t))"
    }

    private func compactCondition(_ f: Field) -> String {
        (f.compactOverride ?? flexible).condition(within: valid)
    }

    private func readStatements(_ f: Field, buffer: String, compact: String) throws -> [String] {
        let label = swiftStringLiteral(f.spec.name)
        let target = "self.\(f.name)"
        let nullCond = f.nullable.condition(within: f.versions)
        switch f.type {
        case .structure(let name):
            let plain = ["\(target) = try \(name)(from: &\(buffer), version: version)"]
            let nullable = ["if try \(buffer).readKafkaInteger(as: Int8.self).orThrow(\(label)) < 0 {",
                            "    \(target) = nil", "} else {", "    \(target) = try \(name)(from: &\(buffer), version: version)", "}"]
            return branch(nullCond, nullable, plain)
        case .array(let element):
            func read(_ c: Bool, _ n: Bool) throws -> [String] {
                let fn = c ? (n ? "readCompactNullableArray" : "readCompactArray") : (n ? "readKafkaNullableArray" : "readKafkaArray")
                return ["\(target) = try \(buffer).\(fn)(\(try elementReader(element, compact: c))).orThrow(\(label))"]
            }
            return try branch(compact, branch(nullCond, read(true, true), read(true, false)),
                              branch(nullCond, read(false, true), read(false, false)))
        case .string, .bytes, .records:
            let kind = f.type == .string ? "String" : "Bytes"
            func read(_ c: Bool, _ n: Bool) -> [String] {
                let fn = c ? (n ? "readCompactNullable\(kind)" : "readCompact\(kind)") : (n ? "readKafkaNullable\(kind)" : "readKafka\(kind)")
                return ["\(target) = try \(buffer).\(fn)().orThrow(\(label))"]
            }
            return branch(compact, branch(nullCond, read(true, true), read(true, false)),
                          branch(nullCond, read(false, true), read(false, false)))
        default:
            return ["\(target) = try \(buffer).\(scalarRead(f.type)).orThrow(\(label))"]
        }
    }

    private func scalarRead(_ t: FieldType) -> String {
        switch t {
        case .bool: "readKafkaBool()"
        case .float64: "readKafkaFloat64()"
        case .uuid: "readKafkaUUID()"
        default: "readKafkaInteger(as: \(t.swiftType).self)"
        }
    }

    private func elementReader(_ e: FieldType, compact: Bool) throws -> String {
        switch e {
        case .structure(let name):
            return "{ (b: inout ByteBuffer) throws(KafkaDecodingError) -> \(name)? in try \(name)(from: &b, version: version) }"
        case .string: return "{ (b: inout ByteBuffer) -> String? in b.\(compact ? "readCompactString" : "readKafkaString")() }"
        case .bytes, .records: return "{ (b: inout ByteBuffer) -> ByteBuffer? in b.\(compact ? "readCompactBytes" : "readKafkaBytes")() }"
        case .array: throw CodegenError.unknownType("nested array", in: spec.name)
        default: return "{ (b: inout ByteBuffer) -> \(e.swiftType)? in b.\(scalarRead(e)) }"
        }
    }

    // MARK: - Writing

    private func emitWriter(fields fs: [Field]) throws -> [String] {
        var body: [String] = ["let start = buffer.writerIndex"]
        for f in fs {
            let cond = bodyCondition(f)
            if cond == "false" { continue }
            body += wrap(cond, try writeStatements(f, buffer: "buffer", compact: compactCondition(f)))
        }
        let flexCond = flexible.condition(within: valid)
        if flexCond != "false" {
            var t: [String] = []
            for f in fs {
                guard let taggedVersions = f.tagged, !taggedVersions.isEmpty, let tag = f.spec.tag else { continue }
                let cond = taggedVersions.condition(within: valid)
                let guardCond = cond == "true" ? "" : "\(cond), "
                // Kafka omits a tagged field that holds its default (librdkafka < 2.2 mis-skips unknown tags).
                t.append("if \(guardCond)self.\(f.name) != \(try defaultValue(f)) {")
                t.append("    var field = ByteBuffer()")
                t += try writeStatements(f, buffer: "field", compact: "true").indented
                t.append("    tagged.fields[\(tag)] = field")
                t.append("}")
            }
            if t.isEmpty {
                t.append("buffer.writeTaggedFields(unknownTaggedFields)")
            } else {
                t = ["var tagged = unknownTaggedFields"] + t + ["buffer.writeTaggedFields(tagged)"]
            }
            body += wrap(flexCond, t)
        }
        body.append("return buffer.writerIndex - start")
        let usesVersion = body.contains { $0.contains("version") }
        var out = ["@discardableResult", "public func write(to buffer: inout ByteBuffer, version: Int16) -> Int {"]
        if !usesVersion { out.append("    _ = version") }
        out += body.indented
        out.append("}")
        return out
    }

    private func writeStatements(_ f: Field, buffer: String, compact: String) throws -> [String] {
        let value = "self.\(f.name)"
        let nullCond = f.nullable.condition(within: f.versions)
        // A nil in a version where the field is not nullable is written as the empty value.
        let nonNull = f.isOptional ? "(\(value) ?? \(try zeroValue(f.type, optional: false)))" : value
        switch f.type {
        case .structure:
            let nullable = f.isOptional
                ? ["if let v = \(value) {", "    \(buffer).writeKafkaInteger(Int8(1))", "    v.write(to: &\(buffer), version: version)",
                   "} else {", "    \(buffer).writeKafkaInteger(Int8(-1))", "}"]
                : ["\(value).write(to: &\(buffer), version: version)"]
            return branch(nullCond, nullable, ["\(nonNull).write(to: &\(buffer), version: version)"])
        case .array(let element):
            func write(_ c: Bool, _ n: Bool) throws -> [String] {
                let fn = c ? (n ? "writeCompactNullableArray" : "writeCompactArray") : (n ? "writeKafkaNullableArray" : "writeKafkaArray")
                return ["\(buffer).\(fn)(\(n ? value : nonNull)) \(try elementWriter(element, compact: c))"]
            }
            return try branch(compact, branch(nullCond, write(true, true), write(true, false)),
                              branch(nullCond, write(false, true), write(false, false)))
        case .string, .bytes, .records:
            let kind = f.type == .string ? "String" : "Bytes"
            func write(_ c: Bool, _ n: Bool) -> [String] {
                let fn = c ? (n ? "writeCompactNullable\(kind)" : "writeCompact\(kind)") : (n ? "writeKafkaNullable\(kind)" : "writeKafka\(kind)")
                return ["\(buffer).\(fn)(\(n ? value : nonNull))"]
            }
            return branch(compact, branch(nullCond, write(true, true), write(true, false)),
                          branch(nullCond, write(false, true), write(false, false)))
        default:
            return ["\(buffer).\(scalarWrite(f.type))(\(value))"]
        }
    }

    private func scalarWrite(_ t: FieldType) -> String {
        switch t {
        case .bool: "writeKafkaBool"
        case .float64: "writeKafkaFloat64"
        case .uuid: "writeKafkaUUID"
        default: "writeKafkaInteger"
        }
    }

    private func elementWriter(_ e: FieldType, compact: Bool) throws -> String {
        switch e {
        case .structure: return "{ b, e in e.write(to: &b, version: version) }"
        case .string: return "{ b, e in b.\(compact ? "writeCompactString" : "writeKafkaString")(e) }"
        case .bytes, .records: return "{ b, e in b.\(compact ? "writeCompactBytes" : "writeKafkaBytes")(e) }"
        case .array: throw CodegenError.unknownType("nested array", in: spec.name)
        default: return "{ b, e in b.\(scalarWrite(e))(e) }"
        }
    }

    // MARK: - Defaults

    private func defaultValue(_ f: Field) throws -> String {
        guard let text = f.spec.default?.text, !(text.isEmpty && f.type != .string) else {
            if f.type == .records && f.isOptional { return "nil" }
            // A string that is nullable wherever it exists (error messages, racks) starts as
            // null: what Kafka's brokers send when they have nothing to say.
            if f.type == .string && f.isOptional && f.nullable.covers(f.versions) { return "nil" }
            return try zeroValue(f.type, optional: f.isOptional)
        }
        if text == "null" { return f.isOptional ? "nil" : try zeroValue(f.type, optional: false) }
        switch f.type {
        case .bool:
            guard text == "true" || text == "false" else { throw CodegenError.badDefault(text, field: f.spec.name) }
            return text
        case .string:
            return swiftStringLiteral(text)
        case _ where f.type.isInteger || f.type == .float64:
            if text.hasPrefix("0x"), let v = Int64(text.dropFirst(2), radix: 16) { return String(v) }
            guard Double(text) != nil else { throw CodegenError.badDefault(text, field: f.spec.name) }
            return text
        default:
            throw CodegenError.badDefault(text, field: f.spec.name)
        }
    }

    private func zeroValue(_ t: FieldType, optional: Bool) throws -> String {
        switch t {
        case .bool: return "false"
        case .string: return "\"\""
        case .bytes, .records: return "ByteBuffer()"
        case .uuid: return "KafkaUUID.zero"
        case .array: return "[]"
        case .structure(let n): return "\(n)()"
        case .float64: return "0"
        default: return "0"
        }
    }
}

// MARK: - Code layout helpers

extension Array where Element == String {
    var indented: [String] { map { $0.isEmpty ? $0 : "    " + $0 } }
}

/// `then` when `cond` holds, `otherwise` when not; collapses constant conditions.
func branch(_ cond: String, _ then: [String], _ otherwise: [String]) -> [String] {
    if cond == "true" || then == otherwise { return then }
    if cond == "false" { return otherwise }
    return ["if \(cond) {"] + then.indented + ["} else {"] + otherwise.indented + ["}"]
}

/// The statements, guarded by `cond` unless it always holds.
func wrap(_ cond: String, _ lines: [String]) -> [String] {
    if cond == "true" { return lines }
    return ["if \(cond) {"] + lines.indented + ["}"]
}

import Foundation
