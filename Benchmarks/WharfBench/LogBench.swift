import Foundation
import KafkaProtocol
import LogStore
import Logging
import NIOCore

/// Append, sequential read and recovery scan of one partition log, each next to the limit
/// the same filesystem shows in the same run: `dd` writing as many bytes with a final
/// fdatasync, and a plain `pread` loop over the same segment files. Each side runs `rounds`
/// times, interleaved, and the best of each is compared: this VM's disk and page cache are
/// noisy (a single dd run varied 350–1,600 MB/s here).
func runLogBench(directory: String, totalBytes: Int, rounds: Int = 3, readPasses: Int = 5) throws {
    let fm = FileManager.default
    try? fm.removeItem(atPath: directory)
    try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: directory) }

    // 16 records of 1 KiB in one uncompressed batch: the shape of a busy producer's batch.
    let value = ByteBuffer(bytes: pseudoRandomBytes(count: 1024))
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    let batch = try RecordBatch(records: (0..<16).map {
        RecordBatch.Entry(key: ByteBuffer(string: "key-\($0)"), value: value, timestamp: now)
    }).encoded(compression: CompressionCodec.none)
    let appends = totalBytes / batch.readableBytes
    let logBytes = appends * batch.readableBytes
    let ddBlocks = logBytes / batch.readableBytes
    let partitionDirectory = directory + "/bench-0"
    let topicPartition = TopicPartition(topic: "bench", partition: 0)
    let quiet = Logger(label: "wharf.bench") { _ in SwiftLogNoOpLogHandler() }

    var best = (dd: Double.infinity, append: Double.infinity, plain: Double.infinity,
                read: Double.infinity, recovery: Double.infinity)
    for _ in 0..<rounds {
        // Limit: dd writing blocks of the batch's size (16.6 KiB: a write size that is not a
        // multiple of the page size costs the kernel about twice as much per byte as 16 KiB,
        // measured here), the same byte count, on disk at the end (conv=fdatasync).
        best.dd = min(best.dd, timed { shell("dd if=/dev/zero of=\(directory)/dd.bin bs=\(batch.readableBytes) count=\(ddBlocks) conv=fdatasync") })
        try? fm.removeItem(atPath: directory + "/dd.bin")

        try? fm.removeItem(atPath: partitionDirectory)
        let log = try PartitionLog.open(directory: partitionDirectory, topicPartition: topicPartition, logger: quiet)
        best.append = min(best.append, try timed {
            for _ in 0..<appends { _ = try log.append(batch, leaderEpoch: 0) }
            try log.flush()
        })

        // Sequential reads from a hot page cache, plain and through the log, alternating
        // `readPasses` times: one pass takes ~30 ms, and a single plain pass here varied 2x
        // (5-11 GB/s) from round to round, so each side gets as many chances as the other.
        let segmentFiles = try fm.contentsOfDirectory(atPath: partitionDirectory).filter { $0.hasSuffix(".log") }.sorted()
        for _ in 0..<readPasses {
            best.plain = min(best.plain, try timed { for file in segmentFiles { try readWholeFile(partitionDirectory + "/" + file) } })
            var readBytes = 0
            best.read = min(best.read, try timed { readBytes = try readWholeLog(log) })
            precondition(readBytes == logBytes, "the log read \(readBytes) of \(logBytes) bytes")
        }

        // Recovery: reopen as after a crash, so every batch is read and CRC-checked and the
        // indexes are rebuilt.
        try log.close()
        best.recovery = min(best.recovery, try timed {
            let reopened = try PartitionLog.open(directory: partitionDirectory, topicPartition: topicPartition,
                                                 recoveryPoint: 0, hadCleanShutdown: false, logger: quiet)
            precondition(reopened.logEndOffset == Int64(appends * 16), "recovery lost records")
            try reopened.close()
        })
    }

    let ddRate = Double(ddBlocks * batch.readableBytes) / best.dd, appendRate = Double(logBytes) / best.append
    printResult("append 1 KiB records, 16 KiB batches", formatRate(logBytes, best.append),
                limit: "dd " + formatRate(ddBlocks * batch.readableBytes, best.dd), ratio: appendRate / ddRate,
                verdict: verdict(appendRate / ddRate >= 0.8, "≥ 0.8×"))
    let plainRate = Double(logBytes) / best.plain, readRate = Double(logBytes) / best.read
    printResult("sequential read, 1 MiB fetches", formatRate(logBytes, best.read),
                limit: "pread " + formatRate(logBytes, best.plain), ratio: readRate / plainRate,
                verdict: verdict(readRate / plainRate >= 0.8, "≥ 0.8×"))
    let recoveryRate = Double(logBytes) / best.recovery
    printResult("recovery scan (CRC + index rebuild)", formatRate(logBytes, best.recovery),
                limit: "pread " + formatRate(logBytes, best.plain), ratio: recoveryRate / plainRate,
                verdict: "(no target; reported)")
}

/// Reads the whole log front to back in 1 MiB fetches, the way a consumer does: each fetch
/// starts after the last whole batch of the one before. Returns the bytes read.
private func readWholeLog(_ log: PartitionLog) throws -> Int {
    var offset: Int64 = 0, bytes = 0
    let end = log.logEndOffset
    while offset < end {
        let result = try log.read(from: offset, maxBytes: 1 << 20)
        bytes += result.records.readableBytes
        var position = result.records.readerIndex
        var next: Int64?
        while let header = RecordBatchHeader.peek(result.records, at: position) {
            next = header.nextOffset
            position += header.totalSize
        }
        guard let next else { break }
        offset = next
    }
    return bytes
}

/// Reads a file front to back in 1 MiB preads, the way a plain sequential reader would.
private func readWholeFile(_ path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var position: off_t = 0
    while true {
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, position) }
        if n <= 0 { break }
        position += off_t(n)
    }
}
