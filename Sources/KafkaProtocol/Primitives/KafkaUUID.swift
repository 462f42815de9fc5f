import NIOCore

/// A Kafka `Uuid` (topic ids, KIP-516): 128 bits, shown as URL-safe base64 without
/// padding (22 characters), as `org.apache.kafka.common.Uuid.toString` does.
public struct KafkaUUID: Hashable, Sendable, CustomStringConvertible {
    public var mostSignificantBits: UInt64
    public var leastSignificantBits: UInt64

    public init(mostSignificantBits: UInt64, leastSignificantBits: UInt64) {
        self.mostSignificantBits = mostSignificantBits
        self.leastSignificantBits = leastSignificantBits
    }

    /// `Uuid.ZERO_UUID`: "no topic id" in requests that predate topic ids.
    public static let zero = KafkaUUID(mostSignificantBits: 0, leastSignificantBits: 0)
    /// `Uuid.METADATA_TOPIC_ID` (1): reserved for the KRaft metadata topic.
    public static let metadataTopicId = KafkaUUID(mostSignificantBits: 0, leastSignificantBits: 1)

    /// A random version-4 UUID that is neither reserved nor starts with "-" in string form,
    /// the same rule as `Uuid.randomUuid` (a leading dash confuses command-line tools).
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> KafkaUUID {
        while true {
            var msb = generator.next() as UInt64
            var lsb = generator.next() as UInt64
            msb = (msb & ~0xF000) | 0x4000  // version 4
            lsb = (lsb & ~(0xC << 60)) | (0x8 << 60)  // IETF variant
            let id = KafkaUUID(mostSignificantBits: msb, leastSignificantBits: lsb)
            if id != .zero, id != .metadataTopicId, !id.description.hasPrefix("-") { return id }
        }
    }

    public static func random() -> KafkaUUID {
        var g = SystemRandomNumberGenerator()
        return random(using: &g)
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: mostSignificantBits >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: leastSignificantBits >> (56 - 8 * UInt64($0))) }
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var msb: UInt64 = 0
        var lsb: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { msb = msb << 8 | UInt64(b) } else { lsb = lsb << 8 | UInt64(b) }
        }
        self.init(mostSignificantBits: msb, leastSignificantBits: lsb)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64url without padding: 16 bytes → 22 characters.
    public var description: String {
        let b = bytes + [0, 0]  // pad to 18 bytes = 6 groups of 3
        var out: [UInt8] = []
        out.reserveCapacity(24)
        for g in stride(from: 0, to: 18, by: 3) {
            let v = UInt32(b[g]) << 16 | UInt32(b[g + 1]) << 8 | UInt32(b[g + 2])
            for shift in [18, 12, 6, 0] { out.append(Self.alphabet[Int((v >> UInt32(shift)) & 63)]) }
        }
        return String(decoding: out.prefix(22), as: UTF8.self)
    }

    /// Parses the 22-character base64url form (`Uuid.fromString`); nil when invalid.
    public init?(_ string: String) {
        let chars = Array(string.utf8)
        guard chars.count == 22 else { return nil }
        var values: [UInt32] = []
        for c in chars {
            guard let i = Self.alphabet.firstIndex(of: c) else { return nil }
            values.append(UInt32(i))
        }
        values += [0, 0]
        var out: [UInt8] = []
        for g in stride(from: 0, to: 24, by: 4) {
            let v = values[g] << 18 | values[g + 1] << 12 | values[g + 2] << 6 | values[g + 3]
            out += [UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
        }
        // The last character carries 6 bits of which only 2 are data: the rest must be 0.
        guard out[16] == 0, out[17] == 0 else { return nil }
        self.init(bytes: out[0..<16])
    }
}

extension ByteBuffer {
    /// UUID: 16 bytes, most significant half first.
    public mutating func readKafkaUUID() -> KafkaUUID? {
        guard readableBytes >= 16 else { return nil }
        let msb = readInteger(endianness: .big, as: UInt64.self)!
        let lsb = readInteger(endianness: .big, as: UInt64.self)!
        return KafkaUUID(mostSignificantBits: msb, leastSignificantBits: lsb)
    }

    public func getKafkaUUID(at index: Int) -> KafkaUUID? {
        guard let msb = getInteger(at: index, endianness: .big, as: UInt64.self),
              let lsb = getInteger(at: index + 8, endianness: .big, as: UInt64.self) else { return nil }
        return KafkaUUID(mostSignificantBits: msb, leastSignificantBits: lsb)
    }

    @discardableResult
    public mutating func writeKafkaUUID(_ uuid: KafkaUUID) -> Int {
        writeInteger(uuid.mostSignificantBits, endianness: .big)
            + writeInteger(uuid.leastSignificantBits, endianness: .big)
    }
}
