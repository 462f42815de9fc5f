import NIOCore

// Kafka's fixed-width types (INT8..INT64, UINT16/32, BOOLEAN, FLOAT64) are big-endian;
// these thin helpers spell the endianness once so message code stays readable.
extension ByteBuffer {
    @inlinable
    public mutating func readKafkaInteger<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        readInteger(endianness: .big, as: T.self)
    }

    @inlinable
    @discardableResult
    public mutating func writeKafkaInteger<T: FixedWidthInteger>(_ value: T) -> Int {
        writeInteger(value, endianness: .big)
    }

    /// BOOLEAN: one byte, 0 is false, anything else true (Kafka's `Type.BOOLEAN`).
    @inlinable
    public mutating func readKafkaBool() -> Bool? { readInteger(as: UInt8.self).map { $0 != 0 } }

    @inlinable
    @discardableResult
    public mutating func writeKafkaBool(_ value: Bool) -> Int { writeInteger(UInt8(value ? 1 : 0)) }

    /// FLOAT64: IEEE 754 double, big-endian.
    @inlinable
    public mutating func readKafkaFloat64() -> Double? {
        readInteger(endianness: .big, as: UInt64.self).map(Double.init(bitPattern:))
    }

    @inlinable
    @discardableResult
    public mutating func writeKafkaFloat64(_ value: Double) -> Int {
        writeInteger(value.bitPattern, endianness: .big)
    }
}
