import Foundation
import Testing
import TestSupport
@testable import Imaging

/// PGM (P5 raw, P2 plain) decoding against Pillow's `Image.open(path).convert("RGB")`
/// (`scripts/fixtures/datasets.py`), and strict errors for broken files.
@Suite struct PGMDecodingTests {
    struct Expected: Decodable {
        struct Image: Decodable { var mode: String; var width: Int; var height: Int; var rgb: String }
        var images: [String: Image]
    }

    @Test func matchesPillowExactly() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: TestPaths.fixture("datasets", "pgm_expected.json")))
        #expect(expected.images.count == 7)
        for (name, image) in expected.images.sorted(by: { $0.key < $1.key }) {
            let url = TestPaths.fixture("datasets", "pgm/" + name)
            #expect(ImageFormat.detect(try Data(contentsOf: url)) == .pgm, "\(name)")
            let decoded = try ImageDecoder().decode(contentsOf: url)
            #expect(decoded.width == image.width && decoded.height == image.height, "\(name)")
            #expect(decoded.pixels == [UInt8](Data(base64Encoded: image.rgb)!), "\(name)")
        }
    }

    @Test func scalingRoundsHalfToEvenAsPython() {
        #expect(PGMDecoder.levels(maximum: 2) == [0, 128, 255])  // 127.5 → 128
        #expect(PGMDecoder.levels(maximum: 255) == (0...255).map(UInt8.init))
        #expect(PGMDecoder.levels(maximum: 65535).prefix(258) == ArraySlice((0...255).map(UInt8.init) + [255, 255]))
    }

    func failure(_ bytes: [UInt8]) -> ImageError? {
        #expect(throws: ImageError.self) { try ImageDecoder().decode(bytes, source: "x.pgm") }
    }

    @Test func brokenFilesFailWithExactErrors() {
        #expect(failure(Array("P5\n2 2\n255\n".utf8) + [1, 2, 3])
                == .truncated(path: "x.pgm", format: .pgm, detail: "the raster ends after 3 of 4 samples"))
        #expect(failure(Array("P5\n2 2\n1000\n".utf8) + [0, 1, 0, 2, 0, 3, 0])
                == .truncated(path: "x.pgm", format: .pgm, detail: "the raster ends after 3 of 4 samples"))
        #expect(failure(Array("P5\n2 1\n100\n".utf8) + [5, 101])
                == .corrupt(path: "x.pgm", format: .pgm, detail: "sample 2 is 101, above the maximum value 100"))
        #expect(failure(Array("P2\n2 1\n15\n3 16\n".utf8))
                == .corrupt(path: "x.pgm", format: .pgm, detail: "sample 2 is 16, above the maximum value 15"))
        #expect(failure(Array("P2\n2 1\n15\n3\n".utf8))
                == .truncated(path: "x.pgm", format: .pgm, detail: "the file ends before the sample 2 of 2"))
        #expect(failure(Array("P2\n2 1\n15\n3 # no comments in the raster\n4\n".utf8))
                == .corrupt(path: "x.pgm", format: .pgm, detail: "expected the sample 2 of 2 as a decimal number, found byte 0x23"))
        #expect(failure(Array("P5\n2 x\n255\n".utf8))
                == .corrupt(path: "x.pgm", format: .pgm, detail: "expected the height as a decimal number, found byte 0x78"))
        #expect(failure(Array("P5\n2 2\n0\n".utf8)) == .corrupt(path: "x.pgm", format: .pgm, detail: "the maximum value 0 is outside 1…65535"))
        #expect(failure(Array("P5\n2 2\n70000\n".utf8))
                == .corrupt(path: "x.pgm", format: .pgm, detail: "the maximum value 70000 is outside 1…65535"))
        #expect(failure(Array("P5\n0 2\n255\n".utf8))
                == .corrupt(path: "x.pgm", format: .pgm, detail: "the header declares an empty size 0x2"))
        #expect(failure(Array("P5\n2 2".utf8)) == .truncated(path: "x.pgm", format: .pgm, detail: "the file ends before the maximum value"))
        #expect(failure(Array("P5\n2 2\n255".utf8)) == .truncated(path: "x.pgm", format: .pgm, detail: "the file ends after the header"))
        #expect(failure(Array("P5\n2 2\n25a\n".utf8))
                == .corrupt(path: "x.pgm", format: .pgm, detail: "the maximum value is followed by byte 0x61 instead of whitespace"))
        #expect(failure(Array("P5\n100000 100000\n255\n".utf8))
                == .tooManyPixels(path: "x.pgm", width: 100_000, height: 100_000, limit: ImageDecoder.defaultMaximumPixelCount))
        // PPM and PBM are other Netpbm formats, not decoded.
        #expect(failure(Array("P6\n1 1\n255\n".utf8) + [1, 2, 3])
                == .unsupportedFormat(path: "x.pgm", detail: "the data (14 bytes) starts with no known image signature"))
    }
}
