/// Kafka's message specs are JSON with `//` line comments; strip them (outside strings)
/// so Foundation's JSON decoder accepts the file.
func stripJSONComments(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var inString = false, escaped = false
    var chars = Array(text)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if inString {
            out.append(c)
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            i += 1
            continue
        }
        if c == "\"" { inString = true; out.append(c); i += 1; continue }
        if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
            while i < chars.count, chars[i] != "\n" { i += 1 }
            continue
        }
        out.append(c)
        i += 1
    }
    chars.removeAll()
    return out
}
