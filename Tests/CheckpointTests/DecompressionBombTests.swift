import Foundation
import Testing
import TestSupport
@testable import Checkpoint

/// Issue 13, item 8: a zip bomb checkpoint was rejected only after inflating 2.1 GB. Each bomb
/// here is real (its deflate data inflates to what it declares) and is refused from its declared
/// sizes, before anything is inflated.
@Suite struct DecompressionBombTests {
    static let bombMebibytes = 2_003  // 2.1 GB of zeros in about 2 MB of deflate data

    @Test("a data.pkl that inflates to 2.1 GB is refused before inflating")
    func pickleBomb() throws {
        let scratch = try TemporaryFolder()
        var zip = TestZipWriter()
        zip.entries.append(.init(name: "archive/data.pkl", data: DecompressionBomb.rawDeflate(zeroMebibytes: Self.bombMebibytes), method: 8,
                                 crc32: DecompressionBomb.crc32OfZeros(mebibytes: Self.bombMebibytes),
                                 uncompressedSize: Self.bombMebibytes * DecompressionBomb.mebibyte))
        zip.entries.append(.init(name: "archive/byteorder", data: Array("little".utf8), method: 0,
                                 crc32: crc32(Array("little".utf8)), uncompressedSize: 6))
        let url = try scratch.write(Data(zip.bytes()), to: "bomb.pt")
        #expect(try Data(contentsOf: url).count < 3_000_000)
        let start = Date()
        let message = errorMessage { _ = try TorchCheckpoint(contentsOf: url) }
        #expect(message?.contains("declares a 2100297728-byte pickle, over the limit of 268435456 bytes") == true, "\(message ?? "loaded")")
        #expect(message?.contains("decompression bomb") == true)
        #expect(Date().timeIntervalSince(start) < 1, "the bomb was inflated")
    }

    @Test("a deflated tensor record that claims 2.1 GB for a small storage is refused before inflating")
    func recordBomb() throws {
        let scratch = try TemporaryFolder()
        let original = try ZipArchive(file: MemoryMappedFile(path: CheckpointFixtures.url("state_zip.pt").path))
        var zip = TestZipWriter()
        var replaced: String?
        for entry in original.entries {
            if replaced == nil, entry.name.contains("/data/") {
                replaced = entry.name
                zip.entries.append(.init(name: entry.name, data: DecompressionBomb.rawDeflate(zeroMebibytes: Self.bombMebibytes), method: 8,
                                         crc32: DecompressionBomb.crc32OfZeros(mebibytes: Self.bombMebibytes),
                                         uncompressedSize: Self.bombMebibytes * DecompressionBomb.mebibyte))
            } else {
                let bytes = try original.contents(of: entry).array
                zip.entries.append(.init(name: entry.name, data: bytes, method: 0, crc32: crc32(bytes), uncompressedSize: bytes.count))
            }
        }
        let name = try #require(replaced)
        let url = try scratch.write(Data(zip.bytes()), to: "record-bomb.pt")
        let checkpoint = try TorchCheckpoint(contentsOf: url)
        let start = Date()
        let message = errorMessage { _ = try checkpoint.allTensors() }
        #expect(message?.contains("zip entry '\(name)'") == true, "\(message ?? "loaded")")
        #expect(message?.contains("a compressed record of 2100297728 bytes") == true && message?.contains("it is not inflated") == true,
                "\(message ?? "loaded")")
        #expect(Date().timeIntervalSince(start) < 1, "the bomb was inflated")
    }

    @Test("a gzip bomb stops at the size limit with a clear failure")
    func gzipBomb() throws {
        let bomb = DecompressionBomb.gzip(zeroMebibytes: 64)
        #expect(bomb.count < 100_000)
        #expect(throws: Inflater.Failure("the data inflates to more than 1048576 bytes (a decompression bomb?)")) {
            try Inflater.gunzip(bomb, maximumSize: 1 << 20)
        }
        // The same member within the limit inflates to its zeros.
        let small = DecompressionBomb.gzip(zeroMebibytes: 2)
        #expect(try Inflater.gunzip(small, maximumSize: 2 << 20) == [UInt8](repeating: 0, count: 2 << 20))
    }
}

private func crc32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { Inflater.crc32(of: $0) } }
