import NIOCore

// Kafka's two families of variable-length integers (`ByteUtils.java`):
// - varint/varlong: ZigZag then base-128, used inside records (KIP-98);
// - unsigned varint: plain base-128, used by flexible versions for compact lengths
//   (N+1) and tagged fields (KIP-482).
// Base-128: 7 bits per byte, least significant group first, high bit = more follows.
// Like `ByteUtils.readUnsignedVarint`, a form longer than 5 (int32) or 10 (int64) bytes
// is rejected, and excess high bits in the last byte are dropped.

extension ByteBuffer {
    /// Number of bytes `writeUnsignedVarint(value)` writes.
    @inlinable
    public static func unsignedVarintSize(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 bits; 0 still takes one byte.
        (64 - value.leadingZeroBitCount + 6) / 7 + (value == 0 ? 1 : 0)
    }

    /// Number of bytes `writeVarint(value)` writes.
    @inlinable
    public static func varintSize(_ value: Int32) -> Int { unsignedVarintSize(UInt64(zigzag(value))) }

    /// Number of bytes `writeVarlong(value)` writes.
    @inlinable
    public static func varlongSize(_ value: Int64) -> Int { unsignedVarintSize(zigzag(value)) }

    @inlinable
    static func zigzag(_ n: Int32) -> UInt32 { UInt32(bitPattern: (n << 1) ^ (n >> 31)) }
    @inlinable
    static func zigzag(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }
    @inlinable
    static func unzigzag(_ v: UInt32) -> Int32 { Int32(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }
    @inlinable
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }

    /// Base-128 value at `index` of at most `maxBytes` bytes, and its length.
    /// Nil when the bytes end first or the form is longer than `maxBytes`.
    @inlinable
    func getBase128(at index: Int, maxBytes: Int) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for i in 0..<maxBytes {
            guard let byte = getInteger(at: index + i, as: UInt8.self) else { return nil }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return (value, i + 1) }
            shift += 7
        }
        return nil
    }

    @inlinable
    mutating func writeBase128(_ value: UInt64) -> Int {
        var v = value
        var bytes: (UInt64, UInt64) = (0, 0)  // up to 10 bytes, written in one go
        var count = 0
        withUnsafeMutableBytes(of: &bytes) { raw in
            repeat {
                var byte = UInt8(truncatingIfNeeded: v & 0x7f)
                v >>= 7
                if v != 0 { byte |= 0x80 }
                raw[count] = byte
                count += 1
            } while v != 0
        }
        return withUnsafeBytes(of: &bytes) { writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    // MARK: unsigned varint (UInt32, at most 5 bytes)

    /// Peeks an unsigned varint at `index`; nil when short or longer than 5 bytes.
    @inlinable
    public func getUnsignedVarint(at index: Int) -> (value: UInt32, length: Int)? {
        guard let (v, n) = getBase128(at: index, maxBytes: 5) else { return nil }
        return (UInt32(truncatingIfNeeded: v), n)
    }

    @inlinable
    public mutating func readUnsignedVarint() -> UInt32? {
        guard let (v, n) = getUnsignedVarint(at: readerIndex) else { return nil }
        moveReaderIndex(forwardBy: n)
        return v
    }

    @inlinable
    @discardableResult
    public mutating func writeUnsignedVarint(_ value: UInt32) -> Int { writeBase128(UInt64(value)) }

    // MARK: varint (ZigZag Int32, at most 5 bytes)

    @inlinable
    public func getVarint(at index: Int) -> (value: Int32, length: Int)? {
        guard let (v, n) = getUnsignedVarint(at: index) else { return nil }
        return (Self.unzigzag(v), n)
    }

    @inlinable
    public mutating func readVarint() -> Int32? {
        guard let (v, n) = getVarint(at: readerIndex) else { return nil }
        moveReaderIndex(forwardBy: n)
        return v
    }

    @inlinable
    @discardableResult
    public mutating func writeVarint(_ value: Int32) -> Int { writeBase128(UInt64(Self.zigzag(value))) }

    // MARK: varlong (ZigZag Int64, at most 10 bytes)

    @inlinable
    public func getVarlong(at index: Int) -> (value: Int64, length: Int)? {
        guard let (v, n) = getBase128(at: index, maxBytes: 10) else { return nil }
        return (Self.unzigzag(v), n)
    }

    @inlinable
    public mutating func readVarlong() -> Int64? {
        guard let (v, n) = getVarlong(at: readerIndex) else { return nil }
        moveReaderIndex(forwardBy: n)
        return v
    }

    @inlinable
    @discardableResult
    public mutating func writeVarlong(_ value: Int64) -> Int { writeBase128(Self.zigzag(value)) }
}
