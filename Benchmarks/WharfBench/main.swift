// `make bench`: Wharf's throughput, each number next to a limit measured in the same run on
// the same machine and filesystem (dd, a plain file read, memory bandwidth), as a ratio.
// Not a test: nothing here fails a build; targets are printed as met / NOT met.
import Glibc

let arguments = CommandLine.arguments.dropFirst()
let benchDirectory = arguments.first ?? ".build/bench-data"

print("Wharf benchmarks (\(benchDirectory))")
runCRCBench()
