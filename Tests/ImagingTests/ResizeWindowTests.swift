import Foundation
import Imaging
import Testing
import TestSupport

/// Issue 13: a resize followed by a crop resamples only the kept window. The window must be
/// bit-exact with cropping the whole resize (which `ResizeParityTests` holds bit-exact with
/// Pillow), for every filter, both pass orders, regions, and crops larger than the image.
@Suite("Resizing only the kept window")
struct ResizeWindowTests {
    static func noise(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var random = SplitMix64(seed: seed)
        return RGBImage(width: width, height: height,
                        pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    static func randomRange(in size: Int, using random: inout SplitMix64) -> Range<Int> {
        let start = Int.random(in: 0..<size, using: &random)
        return start..<Int.random(in: (start + 1)...size, using: &random)
    }

    @Test("a window of a resize equals the same crop of the whole resize, bit for bit",
          arguments: [ResamplingFilter.nearest, .box, .bilinear, .hamming, .bicubic, .lanczos])
    func windowEqualsCrop(_ filter: ResamplingFilter) throws {
        var random = SplitMix64(seed: 0x5EED_0013)
        var verticalFirst = 0
        for trial in 0..<60 {
            let width = Int.random(in: 1...48, using: &random), height = Int.random(in: 1...48, using: &random)
            let image = Self.noise(width: width, height: height, seed: UInt64(trial))
            // Shrinking and growing along each axis, one axis kept in a third of the trials.
            let outputWidth = trial % 3 == 0 ? width : Int.random(in: 1...64, using: &random)
            let outputHeight = trial % 3 == 1 ? height : Int.random(in: 1...64, using: &random)
            var region: ResizeRegion?
            if trial % 4 == 3 {
                let left = Double.random(in: 0..<Double(width), using: &random)
                let top = Double.random(in: 0..<Double(height), using: &random)
                region = ResizeRegion(left: left, top: top, right: Double.random(in: left...Double(width), using: &random),
                                      bottom: Double.random(in: top...Double(height), using: &random))
            }
            if outputHeight < height && height - outputHeight > 2 * (width - outputWidth) && outputWidth != width {
                verticalFirst += 1
            }
            let whole = try image.resized(width: outputWidth, height: outputHeight, filter: filter, region: region)
            for _ in 0..<4 {
                let columns = Self.randomRange(in: outputWidth, using: &random)
                let rows = Self.randomRange(in: outputHeight, using: &random)
                let window = try image.resized(width: outputWidth, height: outputHeight, keepingColumns: columns,
                                               rows: rows, filter: filter, region: region)
                let expected = try whole.cropped(left: columns.lowerBound, top: rows.lowerBound,
                                                 width: columns.count, height: rows.count)
                #expect(window.pixels == expected.pixels,
                        "\(width)x\(height) -> \(outputWidth)x\(outputHeight) region \(String(describing: region)) window \(columns) x \(rows)")
            }
        }
        #expect(verticalFirst > 5, "too few trials took the vertical-first pass order")
    }

    @Test("shortest-side resize and centre crop equals the resize followed by the crop")
    func shortestSideAndCenterCrop() throws {
        var random = SplitMix64(seed: 224)
        for trial in 0..<80 {
            let width = Int.random(in: 1...90, using: &random), height = Int.random(in: 1...90, using: &random)
            let image = Self.noise(width: width, height: height, seed: 1_000 + UInt64(trial))
            let side = Int.random(in: 1...40, using: &random)
            // Crops smaller and larger than the resized image (the larger ones are padded black).
            let cropWidth = Int.random(in: 1...60, using: &random), cropHeight = Int.random(in: 1...60, using: &random)
            let filter: ResamplingFilter = trial % 2 == 0 ? .bicubic : .bilinear
            let expected = try image.resizedShortestSide(to: side, filter: filter)
                .centerCropped(width: cropWidth, height: cropHeight)
            let windowed = try image.resizedShortestSideAndCenterCropped(to: side, width: cropWidth, height: cropHeight,
                                                                         filter: filter)
            #expect(windowed.width == cropWidth && windowed.height == cropHeight)
            #expect(windowed.pixels == expected.pixels, "\(width)x\(height), side \(side), crop \(cropWidth)x\(cropHeight)")
        }
    }

    /// The image fuzzer's timeout (issue 13): a 373-byte JPEG declaring 40×32,792 pixels. Resized
    /// by its short side to 224 it would be 224×183,635 (123 MB) before the crop kept 224×224.
    @Test("the 373-byte 40x32,792 JPEG found by the fuzzer preprocesses exactly, through the kept window only")
    func fuzzerTimeoutInput() throws {
        let bytes = try Data(contentsOf: TestPaths.fixture("imaging/hostile", "thin-40x32792.jpg"))
        #expect(bytes.count == 373)
        let image = try ImageDecoder().decode(bytes, source: "thin-40x32792.jpg")
        #expect(image.width == 40 && image.height == 32_792)
        let preprocessed = try Preprocessing.openAICLIP.resizedImage(image)
        #expect(preprocessed.width == 224 && preprocessed.height == 224)
        let wholeResize = try image.resizedShortestSide(to: 224)
        #expect(wholeResize.width == 224 && wholeResize.height == 183_635)
        #expect(preprocessed.pixels == (try wholeResize.centerCropped(width: 224, height: 224)).pixels)
    }
}
