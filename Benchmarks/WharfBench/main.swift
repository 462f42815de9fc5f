// `make bench`: Wharf's throughput, each number next to a limit measured in the same run on
// the same machine and filesystem (dd, a plain file read, memory bandwidth), as a ratio.
// Not a test: nothing here fails a build; targets are printed as met / NOT met.
//
// Usage: WharfBench [DIRECTORY] [MIB]   (default .build/bench-data, 512 MiB)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let benchDirectory = arguments.first ?? ".build/bench-data"
let mebibytes = arguments.count > 1 ? Int(arguments[1]) ?? 512 : 512

print("Wharf benchmarks: \(mebibytes) MiB in \(benchDirectory), \(ProcessInfo.processInfo.activeProcessorCount) cores")
runCRCBench()
do {
    try runLogBench(directory: benchDirectory, totalBytes: mebibytes << 20)
    try runClusterBench(directory: benchDirectory + "-cluster")
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
