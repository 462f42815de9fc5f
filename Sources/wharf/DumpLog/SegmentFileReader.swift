import Glibc
import KafkaProtocol
import NIOCore

/// Reads record batches one at a time from a segment file written by Wharf or any Kafka,
/// without trusting anything in it: lengths are bounded by the file size, and a batch that
/// can't be framed ends the walk with the position where the trailing bytes start.
///
/// Not thread-safe; one reader per file.
struct SegmentFileReader: ~Copyable {
    enum Failure: Error, CustomStringConvertible {
        case open(path: String, errno: Int32)
        case read(path: String, errno: Int32)
        var description: String {
            switch self {
            case .open(let path, let e): "cannot open \(path): \(String(cString: strerror(e)))"
            case .read(let path, let e): "cannot read \(path): \(String(cString: strerror(e)))"
            }
        }
    }

    let path: String
    let size: Int
    private let fd: Int32

    init(path: String) throws(Failure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .open(path: path, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw .open(path: path, errno: e)
        }
        self.path = path
        self.fd = fd
        self.size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads `length` bytes at `position`, fewer at the end of the file.
    func read(at position: Int, length: Int) throws(Failure) -> ByteBuffer {
        let wanted = max(0, min(length, size - position))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, wanted - done, off_t(position + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .read(path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return ByteBuffer(bytes: bytes[0..<done])
    }

    /// The batch framed at `position` (whole, header included), or nil when what is there
    /// can't be a batch: fewer than 61 bytes left, a length below the header size, or a
    /// length running past `limit`.
    func batch(at position: Int, limit: Int) throws(Failure) -> ByteBuffer? {
        guard position + RecordBatchHeader.size <= limit else { return nil }
        let head = try read(at: position, length: RecordBatchHeader.size)
        guard let header = RecordBatchHeader.peek(head, at: head.readerIndex),
              header.batchLength >= Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead),
              position + header.totalSize <= limit
        else { return nil }
        return try read(at: position, length: header.totalSize)
    }
}
