/// A broker's host and port, written `host:port` (`[::1]:9092` for IPv6).
public struct BrokerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; the port defaults to 9092 when left out.
    public init(parsing text: String) throws(KafkaClientError) {
        let trimmed = text.trimmingCharacters(in: " \t")
        var host = Substring(trimmed)
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else {
                throw .invalidArgument("invalid broker address '\(text)': missing ']'")
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .invalidArgument("invalid broker address '\(text)'") }
                portText = rest.dropFirst()
            }
        } else if let colon = trimmed.lastIndex(of: ":") {
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty else { throw .invalidArgument("invalid broker address '\(text)': no host") }
        var port = 9092
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw .invalidArgument("invalid broker address '\(text)': bad port '\(portText)'")
            }
            port = value
        }
        self.init(host: String(host), port: port)
    }

    /// Parses a bootstrap list, `host:port[,host:port…]`.
    public static func parseList(_ text: String) throws(KafkaClientError) -> [BrokerAddress] {
        let parts = text.split(separator: ",").map(String.init).filter { !$0.trimmingCharacters(in: " ").isEmpty }
        guard !parts.isEmpty else { throw .invalidArgument("no bootstrap servers given") }
        var addresses: [BrokerAddress] = []
        for part in parts { addresses.append(try BrokerAddress(parsing: part)) }
        return addresses
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
