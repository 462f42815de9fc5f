// LogCrashWriter <directory>: opens a PartitionLog (as after an unclean shutdown) and appends
// batches forever, printing each acknowledged last offset on its own line. The crash test
// SIGKILLs it at random moments and checks what recovery finds. Each record's value starts
// with its own offset (8 bytes, big-endian) so the test can check contents, not just framing.
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

/// One uncompressed batch of `count` records whose values begin with their offsets.
func makeBatch(firstOffset: Int64, count: Int, valueSize: Int, timestamp: Int64) -> ByteBuffer {
    func varint(_ buffer: inout ByteBuffer, _ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            buffer.writeInteger(UInt8(zigzag & 0x7F | 0x80))
            zigzag >>= 7
        }
        buffer.writeInteger(UInt8(zigzag))
    }
    var records = ByteBuffer()
    for i in 0..<count {
        var body = ByteBuffer()
        body.writeInteger(Int8(0))
        varint(&body, 0)
        varint(&body, Int64(i))
        varint(&body, -1)
        varint(&body, Int64(valueSize))
        body.writeInteger(firstOffset + Int64(i), endianness: .big)
        body.writeRepeatingByte(UInt8(truncatingIfNeeded: firstOffset), count: valueSize - 8)
        varint(&body, 0)
        varint(&records, Int64(body.readableBytes))
        records.writeBuffer(&body)
    }
    let header = RecordBatchHeader(
        baseOffset: 0, batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + records.readableBytes),
        lastOffsetDelta: Int32(count - 1), baseTimestamp: timestamp, maxTimestamp: timestamp, recordsCount: Int32(count))
    var batch = ByteBuffer()
    header.write(to: &batch)
    batch.writeBuffer(&records)
    batch.setInteger(RecordBatchHeader.computeCRC(in: batch, at: 0)!, at: RecordBatchHeader.crcOffset, endianness: .big)
    return batch
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
                              timestamp: SystemClock().milliseconds())
        let info = try log.append(batch, leaderEpoch: 1)
        say(String(info.lastOffset))
        iteration += 1
    }
} catch {
    say("error: \(error)")
    exit(1)
}
