import Foundation
import Imaging
import Testing

/// Issue 13, item 1: a tiny, very thin image must not make a resize allocate gigabytes. The
/// decoder's pixel guard counts the source; `RGBImage.maximumOutputPixelCount` bounds every
/// resize and crop output (and the intermediate image of a two-pass resize) before allocating.
@Suite("Resize and crop output guard")
struct OutputSizeGuardTests {
    /// A 2×200,000 PNG (663 bytes in the probe; a few KB here): 400,000 source pixels, far under
    /// the decoder's limit, but its short side resized to 224 would be 224×22,400,000 pixels.
    static func thinPNG(width: Int = 2, height: Int = 200_000) throws -> Data {
        try PNGEncoder.encode([UInt8](repeating: 128, count: width * height * 3), width: width, height: height, layout: .rgb)
    }

    @Test("a 2x200,000 PNG decodes, then every shortest-side preprocessing refuses it before allocating")
    func thinImageIsRefused() throws {
        let bytes = try Self.thinPNG()
        #expect(bytes.count < 10_000)
        let image = try ImageDecoder().decode(bytes, source: "thin.png")
        #expect(image.width == 2 && image.height == 200_000)
        for (preprocessing, side) in [(Preprocessing.openAICLIP, 224),
                                      (Preprocessing(imageSize: 224, mean: Preprocessing.openAIMean, std: Preprocessing.openAIStd,
                                                     resizeSize: 256), 256)] {
            #expect(throws: ImageError.outputTooLarge(inputWidth: 2, inputHeight: 200_000, outputWidth: side,
                                                      outputHeight: side * 100_000, limit: RGBImage.maximumOutputPixelCount)) {
                _ = try preprocessing(image)
            }
        }
        let error = try #require(throws: ImageError.self) { _ = try image.resizedShortestSide(to: 224) }
        #expect(error.description == "resizing the 2x200000 image to 224x22400000 would make 5017600000 pixels, over the limit of "
                + "89478485; its aspect ratio (100000:1) is too extreme to preprocess")
        // The fixed-size modes stay fine: their output is 224x224 whatever the aspect ratio.
        var squash = Preprocessing.openAICLIP
        squash.resizeMode = .squash
        #expect(try squash(image).shape == [3, 224, 224])
        #expect(try Preprocessing.competitionRetrieval(image).shape == [3, 224, 224])
    }

    @Test("a 1x1,000,000 image (the probe's 2 KB PNG that reached 17 GB) is refused")
    func oneByMillion() throws {
        let image = RGBImage(width: 1, height: 1_000_000, red: 7)
        #expect(throws: ImageError.self) { _ = try Preprocessing.openAICLIP(image) }
        let wide = RGBImage(width: 1_000_000, height: 1, red: 7)
        #expect(throws: ImageError.self) { _ = try Preprocessing.openAICLIP(wide) }
    }

    @Test("crops and resizes to a fixed size are bounded too")
    func everyOutputIsBounded() throws {
        let image = RGBImage(width: 4, height: 4, red: 1)
        #expect(throws: ImageError.self) { _ = try image.cropped(left: 0, top: 0, width: 100_000, height: 100_000) }
        #expect(throws: ImageError.self) { _ = try image.centerCropped(width: 1 << 31, height: 1 << 31) }
        #expect(throws: ImageError.self) { _ = try image.resized(width: 20_000, height: 20_000) }
        // Within the limit nothing changes.
        #expect(try image.cropped(left: 0, top: 0, width: 9_000, height: 9_000).pixelCount == 81_000_000)
        #expect(try image.resized(width: 300, height: 2).width == 300)
        let tall = RGBImage(width: 2, height: 3_000, red: 1)
        #expect(try tall.resized(width: 40_000, height: 2).width == 40_000)
        #expect(throws: ImageError.self) { _ = try tall.resized(width: 40_000, height: 3_001) }
    }

    @Test("the parallel preparation reports the refusal per image and prepares the others")
    func preparationReportsRefusal() throws {
        let images = [RGBImage(width: 2, height: 200_000, red: 3), RGBImage(width: 30, height: 20, red: 3)]
        let results = Preprocessing.openAICLIP.prepare(count: 2) { images[$0] }
        guard case .failure(let error as ImageError) = results[0], case .outputTooLarge = error else {
            Issue.record("the thin image was not refused: \(results[0])")
            return
        }
        #expect(try results[1].get().shape == [3, 224, 224])
    }
}
