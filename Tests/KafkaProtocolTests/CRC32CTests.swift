import CCRC32C
import NIOCore
import Testing

@testable import KafkaProtocol

@Suite struct CRC32CTests {
    typealias Implementation = @Sendable (UInt32, UnsafeRawPointer?, Int) -> UInt32
    static let implementations: [(String, Implementation)] = [
        ("wharf_crc32c", { wharf_crc32c($0, $1, $2) }),
        ("wharf_crc32c_sse42", { wharf_crc32c_sse42($0, $1, $2) }),
        ("wharf_crc32c_portable", { wharf_crc32c_portable($0, $1, $2) }),
        ("wharf_crc32c_isal", { wharf_crc32c_isal($0, $1, $2) }),
    ]

    static func crc(_ f: Implementation, _ bytes: ArraySlice<UInt8>, _ seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { f(seed, $0.baseAddress, $0.count) }
    }

    /// The standard check value of CRC-32C (Castagnoli), as in Kafka's `Crc32CTest`.
    @Test func everyImplementationMatchesTheCheckValue() {
        let input = Array("123456789".utf8)[...]
        for (name, f) in Self.implementations {
            #expect(Self.crc(f, input) == 0xE306_9283, "\(name)")
        }
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(ByteBuffer(string: "x123456789"), at: 1, length: 9) == 0xE306_9283)
    }

    @Test func implementationsAgreeAtManySizesAndAlignments() {
        let data = TestSupport.sampleBytes(70_000, seed: 7).map { $0 &* 37 }
        for size in [0, 1, 3, 7, 8, 9, 15, 16, 63, 64, 65, 255, 1000, 4097, 65_539] {
            for alignment in 0..<8 {
                let slice = data[alignment..<(alignment + size)]
                let expected = Self.crc(Self.implementations[2].1, slice)
                for (name, f) in Self.implementations {
                    #expect(Self.crc(f, slice) == expected, "\(name) size \(size) alignment \(alignment)")
                }
            }
        }
    }

    @Test func checksumsChain() {
        let data = TestSupport.sampleBytes(10_000, seed: 3)[...]
        for (name, f) in Self.implementations {
            let whole = Self.crc(f, data)
            for split in [0, 1, 13, 4096, 9_999, 10_000] {
                let first = Self.crc(f, data[..<split])
                #expect(Self.crc(f, data[split...], first) == whole, "\(name) split \(split)")
            }
        }
        let first = CRC32C.checksum(data.prefix(100))
        #expect(CRC32C.checksum(data.dropFirst(100), continuing: first) == CRC32C.checksum(data))
    }
}
