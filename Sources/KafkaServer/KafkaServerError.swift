#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Why the server could not start.
public enum KafkaServerError: Error, Equatable, CustomStringConvertible {
    /// A listener could not bind its address and port; `reason` is what the system said
    /// ("address already in use").
    case cannotListen(host: String, port: Int, reason: String)
    /// `bind()` or `start(dispatcher:)` was called at the wrong time (twice, out of order,
    /// or after shutdown).
    case invalidState(String)
    /// The configuration can't be served (no brokers, ports past 65535, …).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            return "cannot listen on \(address): \(reason)"
        case .invalidState(let message), .invalidConfiguration(let message):
            return message
        }
    }

    /// Turns a bind failure into `cannotListen`, with the system's words for the errno.
    static func cannotListen(host: String, port: Int, error: any Error) -> KafkaServerError {
        let reason: String
        switch error {
        case let io as IOError:
            reason = Self.lowercasedFirst(String(cString: strerror(io.errnoCode)))
        case let address as SocketAddressError:
            reason = "\(address)"
        default:
            reason = "\(error)"
        }
        return .cannotListen(host: host, port: port, reason: reason)
    }

    /// strerror says "Address already in use"; in the middle of a sentence, "address …".
    private static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
