import Glibc

/// Where a dump goes: lines for standard output and problems for standard error. The CLI
/// writes through as it goes (a dump of a 1 GiB segment must not wait until the end);
/// tests collect the lines.
final class DumpOutput {
    private let sink: (_ line: String, _ isError: Bool) -> Void

    init(sink: @escaping (_ line: String, _ isError: Bool) -> Void) { self.sink = sink }

    /// Writes straight to the process's standard output and error.
    static func standardStreams() -> DumpOutput {
        DumpOutput { line, isError in
            let text = line + "\n"
            _ = text.withCString { write(isError ? 2 : 1, $0, strlen($0)) }
        }
    }

    func line(_ text: String) { sink(text, false) }
    func error(_ text: String) { sink(text, true) }
}
