import Glibc
import NIOCore

/// One open file of a partition directory (a `.log` or an index), written with `pwrite` at
/// explicit positions and read with `pread`.
///
/// The descriptor is opened without `O_APPEND` (on Linux `pwrite` ignores the position on an
/// `O_APPEND` descriptor). Short writes and `EINTR` are retried; every other failure becomes
/// `LogStoreError.io` with the errno. Not thread-safe: its owner (a `Segment` or index, and in
/// the end `PartitionLog`'s lock) serialises access.
final class LogFile {
    private(set) var path: String
    private var descriptor: Int32

    /// Opens `path` read-write, creating it (mode 0644) when `create` is true.
    init(path: String, create: Bool = true) throws {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw LogStoreError.io(operation: "open", path: path, errno: errno) }
        self.path = path
        self.descriptor = fd
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    var isOpen: Bool { descriptor >= 0 }

    /// The file's size from `fstat`.
    func size() throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw LogStoreError.io(operation: "fstat", path: path, errno: errno) }
        return Int(info.st_size)
    }

    /// Writes all readable bytes of `buffer` at `position`.
    func write(_ buffer: ByteBuffer, at position: Int) throws {
        try buffer.withUnsafeReadableBytes { try write(UnsafeRawBufferPointer($0), at: position) }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at position: Int) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, base + done, bytes.count - done, off_t(position + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw LogStoreError.io(operation: "pwrite", path: path, errno: errno)
            }
            if n == 0 { throw LogStoreError.io(operation: "pwrite", path: path, errno: EIO) }
            done += n
        }
    }

    /// Reads up to `count` bytes at `position`; fewer only at end of file.
    func read(at position: Int, count: Int) throws -> ByteBuffer {
        // The kernel copies from the page cache fastest when source and destination share
        // their alignment: start the read at the page boundary below `position`, into
        // memory aligned to 64 bytes, and return the slice after the extra bytes.
        // (Batches start anywhere in a segment; unaligned copies cost ~1.5x in the bench.)
        let lead = count >= Self.alignedReadThreshold ? position % Self.pageSize : 0
        let total = count + lead
        var buffer = ByteBufferAllocator().buffer(capacity: max(total + Self.cacheLine, 1))
        guard count > 0 else { return buffer }
        var skip = 0
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total + Self.cacheLine) { raw -> Int in
            let base = Int(bitPattern: raw.baseAddress!)
            let padding = (Self.cacheLine - base % Self.cacheLine) % Self.cacheLine
            let destination = raw.baseAddress! + padding
            var done = 0
            while done < total {
                let n = pread(descriptor, destination + done, total - done, off_t(position - lead + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LogStoreError.io(operation: "pread", path: path, errno: errno)
                }
                if n == 0 { break }
                done += n
            }
            skip = padding + min(lead, done)
            return padding + done
        }
        // A slice (no copy) so that callers see the bytes from index 0, as before.
        return buffer.getSlice(at: skip, length: buffer.writerIndex - skip)!
    }

    private static let pageSize = 4096
    private static let cacheLine = 64
    /// Small reads (batch headers) are not worth a page of extra bytes.
    private static let alignedReadThreshold = 64 * 1024

    func truncate(to size: Int) throws {
        while ftruncate(descriptor, off_t(size)) != 0 {
            if errno == EINTR { continue }
            throw LogStoreError.io(operation: "ftruncate", path: path, errno: errno)
        }
    }

    /// `fdatasync`: the data (and the size, which fdatasync includes) reach the disk.
    func sync() throws {
        while fdatasync(descriptor) != 0 {
            if errno == EINTR { continue }
            throw LogStoreError.io(operation: "fdatasync", path: path, errno: errno)
        }
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Renames the file on disk; the open descriptor stays valid.
    func rename(to newPath: String) throws {
        try FileSystem.rename(path, to: newPath)
        path = newPath
    }
}

/// Directory and path helpers over Glibc. Stateless, thread-safe.
enum FileSystem {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Last modification time in milliseconds since the epoch.
    static func modificationTime(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw LogStoreError.io(operation: "mkdir", path: prefix, errno: errno)
            }
        }
    }

    /// Names in `path`, without `.` and `..`, sorted.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw LogStoreError.io(operation: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw LogStoreError.io(operation: "rename to \(to)", path: from, errno: errno)
        }
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw LogStoreError.io(operation: "unlink", path: path, errno: errno) }
    }

    /// Removes a directory tree (partition directories hold only files).
    static func removeTree(_ path: String) throws {
        guard isDirectory(path) else { return try remove(path) }
        for name in try list(path) { try removeTree(path + "/" + name) }
        guard rmdir(path) == 0 || errno == ENOENT else { throw LogStoreError.io(operation: "rmdir", path: path, errno: errno) }
    }

    /// fsync on a directory makes creates, renames and unlinks in it durable.
    static func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw LogStoreError.io(operation: "open directory", path: path, errno: errno) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw LogStoreError.io(operation: "fsync directory", path: path, errno: errno) }
    }

    /// Writes `contents` durably and atomically: `path.tmp`, fsync, rename over `path`, fsync
    /// the directory (Kafka's `CheckpointFile.write` + `Utils.atomicMoveWithFallback`).
    static func writeAtomically(_ contents: String, to path: String) throws {
        let temporary = path + ".tmp"
        let file = try LogFile(path: temporary)
        try file.truncate(to: 0)
        var bytes = Array(contents.utf8)
        try bytes.withUnsafeMutableBytes { try file.write(UnsafeRawBufferPointer($0), at: 0) }
        try file.sync()
        file.close()
        try rename(temporary, to: path)
        try syncDirectory(parent(of: path))
    }

    static func readText(_ path: String) throws -> String {
        let file = try LogFile(path: path, create: false)
        defer { file.close() }
        let buffer = try file.read(at: 0, count: try file.size())
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
