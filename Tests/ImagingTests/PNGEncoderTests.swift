import Foundation
import Imaging
import Testing

/// PNG writing through libpng, checked by reading the files back with our decoder.
@Suite struct PNGEncoderTests {
    /// Deterministic bytes covering the whole 0...255 range.
    static func samples(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761 &+ seed &* 40_503) >> 7) }
    }

    @Test(arguments: [(28, 28), (1, 1), (37, 5), (3, 300)])
    func greyRoundTripsToReplicatedRGB(width: Int, height: Int) throws {
        let grey = Self.samples(width * height, seed: width)
        let data = try PNGEncoder.encode(grey, width: width, height: height, layout: .gray)
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(data[25] == 0, "colour type byte of IHDR: 0 is greyscale")
        let decoded = try ImageDecoder().decode(data)
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.pixels == grey.flatMap { [$0, $0, $0] })
    }

    @Test func rgbRoundTripsExactly() throws {
        let image = RGBImage(width: 41, height: 17, pixels: Self.samples(41 * 17 * 3, seed: 3))
        let data = try PNGEncoder.encode(image)
        #expect(data[25] == 2, "colour type byte of IHDR: 2 is RGB")
        #expect(try ImageDecoder().decode(data) == image)
    }

    @Test func compressesUniformImages() throws {
        let data = try PNGEncoder.encode([UInt8](repeating: 200, count: 256 * 256), width: 256, height: 256, layout: .gray)
        #expect(data.count < 1_000, "a uniform 256x256 image took \(data.count) bytes")
    }

    @Test func rejectsMismatchedSizes() {
        #expect(throws: PNGEncoder.EncodingError.self) { try PNGEncoder.encode([1, 2, 3], width: 2, height: 2, layout: .gray) }
        #expect(throws: PNGEncoder.EncodingError.self) { try PNGEncoder.encode([], width: 0, height: 0, layout: .rgb) }
    }
}
