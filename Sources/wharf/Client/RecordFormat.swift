import KafkaClient

/// `wharf consume --format`: a line per record built from placeholders.
///
///     %k key    %v value    %o offset    %p partition    %t timestamp (ms)
///     %T topic  %h headers (k:v,k2:v2; NO_HEADERS when none)    %% a percent sign
///     \n \t \r \\ the escapes
///
/// A null key or value prints `null`, as kafka-console-consumer.sh does. A newline ends
/// every record.
struct RecordFormat: Sendable {
    enum Token: Sendable, Equatable {
        case text([UInt8])
        case key, value, offset, partition, timestamp, topic, headers
    }

    let tokens: [Token]

    static let valueOnly = RecordFormat(tokens: [.value])

    private init(tokens: [Token]) { self.tokens = tokens }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    init(parsing format: String) throws(ParseError) {
        var tokens: [Token] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty { tokens.append(.text(text)) }
            text = []
        }
        var iterator = Array(format.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let next = iterator.next() else { throw ParseError(description: "--format ends with a lone '%'") }
                let token: Token? = switch next {
                case UInt8(ascii: "k"): .key
                case UInt8(ascii: "v"): .value
                case UInt8(ascii: "o"): .offset
                case UInt8(ascii: "p"): .partition
                case UInt8(ascii: "t"): .timestamp
                case UInt8(ascii: "T"): .topic
                case UInt8(ascii: "h"): .headers
                case UInt8(ascii: "%"): nil
                default:
                    throw ParseError(description: "unknown placeholder '%\(Character(Unicode.Scalar(next)))' in --format "
                        + "(use %k %v %o %p %t %T %h or %%)")
                }
                if let token {
                    flush()
                    tokens.append(token)
                } else {
                    text.append(UInt8(ascii: "%"))
                }
            case UInt8(ascii: "\\"):
                guard let next = iterator.next() else {
                    text.append(byte)
                    break
                }
                switch next {
                case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): text.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "\\"): text.append(UInt8(ascii: "\\"))
                default: text += [byte, next]
                }
            default:
                text.append(byte)
            }
        }
        flush()
        self.tokens = tokens
    }

    func render(_ record: ConsumerRecord, into out: inout [UInt8]) {
        for token in tokens {
            switch token {
            case .text(let bytes): out += bytes
            case .key: out += record.key ?? Array("null".utf8)
            case .value: out += record.value ?? Array("null".utf8)
            case .offset: out += Array(String(record.offset).utf8)
            case .partition: out += Array(String(record.partition).utf8)
            case .timestamp: out += Array(String(record.timestamp).utf8)
            case .topic: out += Array(record.topic.utf8)
            case .headers:
                if record.headers.isEmpty {
                    out += Array("NO_HEADERS".utf8)
                } else {
                    for (i, header) in record.headers.enumerated() {
                        if i > 0 { out.append(UInt8(ascii: ",")) }
                        out += Array(header.key.utf8)
                        out.append(UInt8(ascii: ":"))
                        out += header.value ?? Array("null".utf8)
                    }
                }
            }
        }
        out.append(UInt8(ascii: "\n"))
    }
}
