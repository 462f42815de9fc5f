/// Spec names are UpperCamel; Swift properties are lowerCamel ("ISRNodes" → "isrNodes").
func propertyName(_ specName: String) -> String {
    let chars = Array(specName)
    var upper = 0
    while upper < chars.count, chars[upper].isUppercase { upper += 1 }
    let cut = upper == chars.count ? upper : max(1, upper - 1)
    let name = String(chars[..<cut]).lowercased() + String(chars[cut...])
    return swiftKeywords.contains(name) ? "`\(name)`" : name
}

/// "MetadataRequest" → "metadata" (ApiKey case names).
func apiCaseName(_ requestName: String) -> String {
    var base = requestName
    if base.hasSuffix("Request") { base.removeLast("Request".count) }
    return propertyName(base).replacingOccurrences(of: "`", with: "")
}

let swiftKeywords: Set<String> = [
    "protocol", "default", "internal", "public", "private", "static", "class", "struct", "enum", "case",
    "var", "let", "func", "import", "return", "self", "Self", "type", "in", "is", "as", "operator", "extension",
]

func swiftStringLiteral(_ s: String) -> String {
    var out = "\""
    for c in s {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.append(c)
        }
    }
    return out + "\""
}

import Foundation
