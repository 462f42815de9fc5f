import Foundation
import Glibc
import Logging

/// A swift-log handler appending lines to a file (`<data-dir>/wharf.log` under the console,
/// whose screen must never receive a log line). One `LogFile` is shared by every logger;
/// each write is one `write(2)` of a whole line on an `O_APPEND` descriptor, so lines from
/// different threads never interleave.
struct FileLogHandler: LogHandler {
    /// The open log file.
    final class LogFile: Sendable {
        let path: String
        let descriptor: Int32

        init(path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                               NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
            self.path = path
            descriptor = fd
        }

        func write(_ line: String) {
            var line = line
            line.withUTF8 { bytes in _ = Glibc.write(descriptor, bytes.baseAddress, bytes.count) }
        }

        deinit { close(descriptor) }
    }

    let label: String
    let file: LogFile
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, file: LogFile, level: Logger.Level) {
        self.label = label
        self.file = file
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        file.write("\(Self.timestamp()) \(event.level) \(label):\(fields) \(event.message)\n")
    }

    /// ISO 8601 in UTC with milliseconds, like Kafka's log lines.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}
