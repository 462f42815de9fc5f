import Foundation
import Glibc

/// CPU use of an idle console: the release `wharf console` (three brokers, listeners on free
/// ports) in a detached 120×40 tmux session, nobody typing and no client connected, sampled
/// from /proc/<pid>/stat (utime + stime) over a fixed window once it has settled.
enum IdleCPUBench {
    static let targetPercent = 2.0

    static func run(wharf: String, sampleSeconds: Double) throws {
        print("Idle console CPU: \(wharf) console --port 0 in tmux 120×40, sampled over \(Int(sampleSeconds)) s")
        guard TmuxSession.isInstalled else {
            print("idle console CPU: not measured: tmux is not installed (make deps installs it)")
            return
        }
        guard FileManager.default.isExecutableFile(atPath: wharf) else { throw BenchError("no wharf binary at \(wharf)") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tmux = try TmuxSession(columns: 120, rows: 40,
                                   command: ["env", "LANG=C.UTF-8", wharf, "console", "--data-dir", directory + "/data", "--port", "0"],
                                   directory: directory)
        defer { tmux.kill() }

        _ = try tmux.waitForScreen(timeoutSeconds: 60) { $0.contains("brokers 3/3") }
        guard let pid = tmux.panePid() else { throw BenchError("tmux did not report the pane's pid") }
        // Start-up work (metadata log replay, __consumer_offsets creation) is not idle.
        sleep(3)
        let before = ProcessCPU.sample(pid: pid)
        let start = monotonicSeconds()
        usleep(UInt32(sampleSeconds * 1_000_000))
        let after = ProcessCPU.sample(pid: pid)
        let elapsed = monotonicSeconds() - start
        guard let before, let after else { throw BenchError("cannot read /proc/\(pid)/stat (did wharf exit?)") }

        let percent = after.totalSeconds(minus: before) / elapsed * 100
        print(String(format: "%@%5.2f %% of one core", "Idle console CPU (3 brokers, no clients)".padding(toLength: 78, withPad: " ", startingAt: 0), percent)
              + "   target < \(Int(targetPercent)) %: " + (percent < targetPercent ? "PASS" : "MISS"))
        // Where it goes, so a MISS points at a thread (NIO event loops, the UI loop, the pool).
        for thread in after.busiestThreads(minus: before, elapsed: elapsed).prefix(4) {
            print(String(format: "    thread %-20@ %5.2f %%", thread.name, thread.percent))
        }

        tmux.type("q")
        _ = try? tmux.waitForScreen(timeoutSeconds: 10) { $0.contains("Quit Wharf") }
        tmux.type("y")
        let deadline = Date().addingTimeInterval(30)
        while kill(pid, 0) == 0, Date() < deadline { usleep(100_000) }
    }
}

/// CPU time of a process and each of its threads, from /proc (Linux).
struct ProcessCPU {
    var ticks: Int
    var threads: [Int32: (name: String, ticks: Int)]
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func sample(pid: Int32) -> ProcessCPU? {
        guard let process = readStat("/proc/\(pid)/stat") else { return nil }
        var threads: [Int32: (String, Int)] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            if let tid = Int32(task), let stat = readStat("/proc/\(pid)/task/\(task)/stat") { threads[tid] = stat }
        }
        return ProcessCPU(ticks: process.ticks, threads: threads)
    }

    func totalSeconds(minus earlier: ProcessCPU) -> Double { Double(ticks - earlier.ticks) / Self.ticksPerSecond }

    func busiestThreads(minus earlier: ProcessCPU, elapsed: Double) -> [(name: String, percent: Double)] {
        threads.compactMap { tid, now -> (String, Double)? in
            let used = now.ticks - (earlier.threads[tid]?.ticks ?? 0)
            return used > 0 ? ("\(now.name)/\(tid)", Double(used) / Self.ticksPerSecond / elapsed * 100) : nil
        }.sorted { $0.1 > $1.1 }
    }

    /// `comm` and utime + stime from a stat line. `comm` is in parentheses and may hold
    /// spaces, so fields are counted from the last `)`: utime and stime are fields 14 and 15.
    private static func readStat(_ path: String) -> (name: String, ticks: Int)? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let name = String(text[text.index(after: open)..<close])
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Int(fields[11]), let stime = Int(fields[12]) else { return nil }
        return (name, utime + stime)
    }
}

/// Wall-clock seconds from a monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds the calling thread has used: a frame's own cost, apart from the time it
/// waited for a core while the producer and the tail kept both busy.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
