// LogCrashWriter <directory>: opens a PartitionLog (as after an unclean shutdown) and appends
// batches forever, printing each acknowledged last offset on its own line. The crash test
// SIGKILLs it at random moments and checks what recovery finds. Each record's value starts
// with its own offset (8 bytes, big-endian) so the test can check contents, not just framing;
// every fourth batch is zstd-compressed, as real logs hold compressed batches.
//
// LogCrashWriter --file-size-limit <bytes> <directory>: sets RLIMIT_FSIZE so a write fails
// part-way (EFBIG, as a full disk would), prints the error and the log end offset, lifts the
// limit, appends once more and prints `resumed <first offset>`, then exits.
import Glibc
import KafkaProtocol
import Logging
import LogStore
import NIOCore

LoggingSystem.bootstrap(StreamLogHandler.standardError)

/// One batch (KafkaProtocol's encoder) of `count` records whose values begin with their
/// offsets; all records carry `timestamp`. Gzip-compressed when `compression` says so.
func makeBatch(firstOffset: Int64, count: Int, valueSize: Int, timestamp: Int64,
               compression: CompressionCodec = .none) -> ByteBuffer {
    let entries = (0..<count).map { i in
        var value = ByteBuffer()
        value.writeInteger(firstOffset + Int64(i), endianness: .big)
        value.writeRepeatingByte(UInt8(truncatingIfNeeded: firstOffset), count: valueSize - 8)
        return RecordBatch.Entry(key: nil, value: value, timestamp: timestamp)
    }
    do {
        return try RecordBatch(records: entries).encoded(compression: compression)
    } catch {
        say("error: encoding failed: \(error)")
        exit(1)
    }
}

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes[done...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; exit(2) }
        done += n
    }
}

var arguments = CommandLine.arguments
var fileSizeLimit: Int?
if arguments.count >= 4, arguments[1] == "--file-size-limit" {
    fileSizeLimit = Int(arguments[2])
    arguments.removeSubrange(1...2)
}
guard arguments.count >= 2 else {
    say("usage: LogCrashWriter [--file-size-limit <bytes>] <directory>")
    exit(64)
}

func setFileSizeLimit(_ limit: rlim_t) {
    var current = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &current)
    current.rlim_cur = limit
    setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &current)
}

if let fileSizeLimit {
    signal(SIGXFSZ, SIG_IGN)
    do {
        let log = try PartitionLog.open(directory: arguments[1], topicPartition: TopicPartition(topic: "crash", partition: 0))
        setFileSizeLimit(rlim_t(fileSizeLimit))
        var iteration = 0
        while true {
            let batch = makeBatch(firstOffset: log.logEndOffset, count: 2, valueSize: 100 + iteration % 50, timestamp: 0)
            do {
                _ = try log.append(batch, leaderEpoch: 0)
            } catch {
                say("failed: \(error)")
                say("leo \(log.logEndOffset) size \(log.size)")
                break
            }
            iteration += 1
        }
        setFileSizeLimit(rlim_t.max)  // RLIM_INFINITY
        let batch = makeBatch(firstOffset: log.logEndOffset, count: 2, valueSize: 100, timestamp: 0)
        say("resumed \(try log.append(batch, leaderEpoch: 0).firstOffset)")
        try log.close()
        exit(0)
    } catch {
        say("error: \(error)")
        exit(1)
    }
}

do {
    let config = try LogConfig(properties: ["segment.bytes": "20000", "index.interval.bytes": "512"])
    let log = try PartitionLog.open(
        directory: arguments[1], topicPartition: TopicPartition(topic: "crash", partition: 0), config: config,
        recoveryPoint: 0, hadCleanShutdown: false)
    var iteration = 0
    while true {
        let count = 1 + iteration % 3
        let batch = makeBatch(firstOffset: log.logEndOffset, count: count, valueSize: 8 + (iteration * 37) % 300,
                              timestamp: SystemClock().milliseconds(), compression: iteration % 4 == 3 ? .zstd : .none)
        let info = try log.append(batch, leaderEpoch: 1)
        say(String(info.lastOffset))
        iteration += 1
    }
} catch {
    say("error: \(error)")
    exit(1)
}
