import Foundation
@testable import Imaging
import Testing
import TestSupport

/// `CaptureDate` against the dates Pillow reads back from files it wrote (`scripts/fixtures/exif.py`:
/// JPEG APP1 and PNG eXIf, both TIFF byte orders, DateTimeOriginal with and without offsets, the
/// DateTime fallback, no Exif), then on truncated, corrupt and hostile Exif blocks built here.
@Suite struct CaptureDateTests {
    struct Case: Decodable {
        let file: String
        let expectedSeconds: Double?
        enum CodingKeys: String, CodingKey { case file, expectedSeconds = "expected_seconds" }
    }

    static let cases: [Case] = {
        struct Manifest: Decodable { let cases: [Case] }
        let url = TestPaths.fixture("exif", "manifest.json")
        return (try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: TestPaths.fixture("exif", name))) }

    @Test("the capture time equals the one Pillow reads back, for each fixture")
    func fixtures() throws {
        #expect(Self.cases.count == 9)
        for testCase in Self.cases {
            let seconds = CaptureDate.secondsSince1970(inImage: try Self.bytes(testCase.file))
            #expect(seconds == testCase.expectedSeconds, "\(testCase.file)")
        }
    }

    @Test("the Exif orientation of the fixtures still reads through the shared TIFF reader")
    func orientationThroughExifTags() throws {
        #expect(JPEGMetadata(try Self.bytes("orientation_only.jpg")).orientation == .rightTop)
        #expect(JPEGMetadata(try Self.bytes("original_little_endian.jpg")).orientation == .topLeft)
    }

    /// What a truncated file may still give besides its full date: the IFD0 `DateTime` fallback
    /// when the Exif IFD is cut off, or `DateTimeOriginal` read as UTC when only its offset is cut
    /// off (each a date the file does hold).
    static let partialReadings: [String: Set<Double>] = [
        "original_little_endian.jpg": [1_556_704_800],
        "original_big_endian.jpg": [1_609_556_645, 1_583_020_799],
        "datetime_only.jpg": [1_451_550_600],
        "exif_chunk.png": [1_286_705_410],
        "exif_chunk_big_endian.png": [1_732_952_730],
    ]

    @Test("every truncation of a dated file gives nil or a date the file holds, and never traps")
    func truncations() throws {
        for testCase in Self.cases where testCase.expectedSeconds != nil {
            let bytes = try Self.bytes(testCase.file)
            var allowed = Self.partialReadings[testCase.file] ?? []
            allowed.insert(testCase.expectedSeconds!)
            for length in 0..<bytes.count {
                let seconds = CaptureDate.secondsSince1970(inImage: bytes[0..<length])
                #expect(seconds == nil || allowed.contains(seconds!), "\(testCase.file) cut at \(length): \(String(describing: seconds))")
            }
        }
    }

    @Test("every single-byte corruption of the Exif block is read within bounds")
    func corruptions() throws {
        let bytes = try Self.bytes("original_big_endian.jpg")
        // The APP1 segment spans bytes 20..<(22 + 0x7C) in this file; corrupt each byte there.
        for position in 20..<(22 + 0x7C) {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0xFF] {
                var corrupt = bytes
                corrupt[position] = value
                let seconds = CaptureDate.secondsSince1970(inImage: corrupt)
                if let seconds { #expect(seconds.isFinite) }
            }
        }
    }

    /// A little-endian TIFF block: IFD0 at 8 with `entries` (tag, type, count, value or offset),
    /// then `tail` bytes from offset `8 + 2 + 12 * entries.count + 4`.
    static func tiff(_ entries: [(UInt16, UInt16, UInt32, UInt32)], tail: [UInt8] = []) -> [UInt8] {
        func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        var block: [UInt8] = [0x49, 0x49, 42, 0] + le32(8) + le16(UInt16(entries.count))
        for (tag, type, count, value) in entries { block += le16(tag) + le16(type) + le32(count) + le32(value) }
        return block + le32(0) + tail
    }

    /// `tiff` wrapped as a JPEG's APP1 Exif segment.
    static func jpeg(exif block: [UInt8]) -> [UInt8] {
        let payload = Array("Exif".utf8) + [0, 0] + block
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + [0xFF, 0xD9]
    }

    @Test("hostile Exif blocks: loops, offsets past the end, huge counts, bad dates")
    func hostileBlocks() {
        let date = Array("2001:02:03 04:05:06".utf8) + [0]
        let dataOffset = UInt32(8 + 2 + 12 * 2 + 4)
        // A well-formed block: DateTime in IFD0 → 2001-02-03T04:05:06Z.
        let good = Self.tiff([(0x0132, 2, 20, dataOffset), (0x0112, 3, 1, 1)], tail: date)
        #expect(CaptureDate.secondsSince1970(inImage: Self.jpeg(exif: good)) == 981_173_106)
        let hostile: [(String, [UInt8])] = [
            ("the date's offset points past the end", Self.tiff([(0x0132, 2, 20, 0xFFFF_FFF0), (0x0112, 3, 1, 1)], tail: date)),
            ("the date's count runs past the end", Self.tiff([(0x0132, 2, 0x7FFF_FFFF, dataOffset), (0x0112, 3, 1, 1)], tail: date)),
            ("the date is not ASCII-typed", Self.tiff([(0x0132, 7, 20, dataOffset), (0x0112, 3, 1, 1)], tail: date)),
            ("the Exif IFD pointer points at IFD0 itself", Self.tiff([(0x8769, 4, 1, 8), (0x0112, 3, 1, 1)])),
            ("the Exif IFD pointer points past the end", Self.tiff([(0x8769, 4, 1, 0xFFFF_FFFF), (0x0112, 3, 1, 1)])),
            ("the blank date of the standard", Self.tiff([(0x0132, 2, 20, dataOffset), (0x0112, 3, 1, 1)],
                                                         tail: Array("    :  :     :  :  ".utf8) + [0])),
            ("an all-zero date", Self.tiff([(0x0132, 2, 20, dataOffset), (0x0112, 3, 1, 1)], tail: Array("0000:00:00 00:00:00".utf8) + [0])),
            ("30 February", Self.tiff([(0x0132, 2, 20, dataOffset), (0x0112, 3, 1, 1)], tail: Array("2019:02:30 10:00:00".utf8) + [0])),
            ("hour 24", Self.tiff([(0x0132, 2, 20, dataOffset), (0x0112, 3, 1, 1)], tail: Array("2019:02:10 24:00:00".utf8) + [0])),
        ]
        for (name, block) in hostile {
            #expect(CaptureDate.secondsSince1970(inImage: Self.jpeg(exif: block)) == nil, "\(name)")
        }
        // IFD0 claiming 65,535 entries in a 40-byte block reads the entries that are there.
        var many = good
        many[8] = 0xFF
        many[9] = 0xFF
        #expect(CaptureDate.secondsSince1970(inImage: Self.jpeg(exif: many)) == 981_173_106)
        // A PNG whose first chunk declares a length past the end, and one that loops nowhere.
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        #expect(CaptureDate.secondsSince1970(inImage: signature + [0x7F, 0xFF, 0xFF, 0xFF] + Array("eXIf".utf8) + good) == nil)
        #expect(CaptureDate.secondsSince1970(inImage: signature + [0, 0, 0, 0] + Array("IEND".utf8) + [0, 0, 0, 0]) == nil)
    }

    @Test("Exif text dates and offsets convert as the calendar says")
    func dateArithmetic() {
        #expect(CaptureDate.secondsSince1970(exifDate: "1970:01:01 00:00:00") == 0)
        #expect(CaptureDate.secondsSince1970(exifDate: "2000:02:29 12:00:00") == 951_825_600)
        #expect(CaptureDate.secondsSince1970(exifDate: "1969:12:31 23:59:59") == -1)
        #expect(CaptureDate.secondsSince1970(exifDate: "2100:02:29 00:00:00") == nil)   // not a leap year
        #expect(CaptureDate.secondsSince1970(exifDate: "2019:05:01 10:00:00   ") == 1_556_704_800)
        #expect(CaptureDate.secondsSince1970(exifDate: "2019:05:01 10:00") == nil)
        #expect(CaptureDate.offsetSeconds("+02:00") == 7200 && CaptureDate.offsetSeconds("-05:30") == -19_800)
        #expect(CaptureDate.offsetSeconds("+2:00") == nil && CaptureDate.offsetSeconds("+25:00") == nil && CaptureDate.offsetSeconds("+0a:00") == nil)
    }
}
