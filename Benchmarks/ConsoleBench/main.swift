// `make bench` (console part): render time per frame of the topics and partitions views over
// 10,000 partitions, CPU use of an idle `wharf console`, and the throughput the Messages
// view's tail sustains against a producer's. Not a test: nothing here fails a build; each
// line says PASS or MISS, or gives the limit it is measured against.
//
// Usage: ConsoleBench [WHARF-BINARY] [IDLE-SECONDS]
//   (default: the wharf beside this executable, 10 s; 0 s skips the idle measurement)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let besideMe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wharf").path
let wharfBinary = arguments.first ?? besideMe
let idleSeconds = arguments.count > 1 ? Double(arguments[1]) ?? 10 : 10

print("Wharf console benchmarks, \(ProcessInfo.processInfo.activeProcessorCount) cores")
RenderBench.run()
print("")
if idleSeconds <= 0 {
    print("Idle console CPU: skipped (IDLE-SECONDS 0)")
} else { do {
    try IdleCPUBench.run(wharf: wharfBinary, sampleSeconds: idleSeconds)
} catch {
    print("Idle console CPU: failed: \(error)")
    exit(1)
} }
print("")
do {
    try TailBench.run()
} catch {
    print("Tail throughput: failed: \(error)")
    exit(1)
}
