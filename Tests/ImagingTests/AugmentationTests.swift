import Imaging
import TestSupport
import Testing

@Suite("Augmentation")
struct AugmentationTests {
    static func pattern(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height) { buffer in
            for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index &* 37 &+ index / 7) }
        }
    }

    @Test("horizontal flip mirrors columns and twice is the identity")
    func flip() {
        let image = Self.pattern(width: 5, height: 3)
        let flipped = image.flippedHorizontally()
        #expect(flipped != image)
        #expect(flipped.flippedHorizontally() == image)
        #expect(flipped[0, 1] == image[4, 1] && flipped[4, 2] == image[0, 2])
        var generator = SplitMix64(seed: 1)
        var flips = 0
        for _ in 0..<1000 where image.randomlyFlippedHorizontally(using: &generator) != image { flips += 1 }
        #expect((420...580).contains(flips), "\(flips) flips in 1000 at p = 0.5")
        #expect(image.randomlyFlippedHorizontally(probability: 0, using: &generator) == image)
        #expect(image.randomlyFlippedHorizontally(probability: 1, using: &generator) == flipped)
    }

    @Test("random resized crop windows stay inside the image and within the scale and ratio ranges")
    func randomResizedCropWindows() {
        let crop = RandomResizedCrop(width: 32, height: 32)
        var generator = SplitMix64(seed: 42)
        for (width, height) in [(640, 480), (100, 1000), (1000, 100), (3, 3), (1, 1), (224, 224)] {
            for _ in 0..<500 {
                let window = crop.window(imageWidth: width, imageHeight: height, using: &generator)
                #expect(window.left >= 0 && window.top >= 0 && window.width >= 1 && window.height >= 1)
                #expect(window.left + window.width <= width && window.top + window.height <= height,
                        "\(window) outside \(width)x\(height)")
            }
        }
        // On a large image the first try nearly always fits: check the drawn distribution.
        for _ in 0..<500 {
            let window = crop.window(imageWidth: 2000, imageHeight: 2000, using: &generator)
            let area = Double(window.width * window.height) / 4_000_000
            let ratio = Double(window.width) / Double(window.height)
            #expect(area > 0.079 && area < 1.001, "area fraction \(area)")
            #expect(ratio > 0.749 && ratio < 1.335, "ratio \(ratio)")
        }
        // A 10:1 image can never fit a 4:3 window: the fallback clamps the ratio and centres.
        let fallback = RandomResizedCrop(width: 8, height: 8, scale: 0.9...1)
            .window(imageWidth: 1000, imageHeight: 100, using: &generator)
        #expect(fallback == RandomResizedCrop.Window(left: 433, top: 0, width: 133, height: 100))
    }

    @Test("random resized crop is reproducible from the seed and returns the requested size")
    func randomResizedCropImage() throws {
        let image = Self.pattern(width: 120, height: 80)
        let crop = RandomResizedCrop(width: 24, height: 16)
        var first = SplitMix64(seed: 9), second = SplitMix64(seed: 9)
        let a = try crop(image, using: &first)
        let b = try crop(image, using: &second)
        #expect(a == b)
        #expect(a.width == 24 && a.height == 16)
    }

    @Test("colour jitter: factor 1 is the identity, and each adjustment has its fixed point")
    func colorJitter() {
        let image = Self.pattern(width: 9, height: 7)
        #expect(image.adjusted(.brightness(1)) == image)
        #expect(image.adjusted(.contrast(1)) == image)
        #expect(image.adjusted(.saturation(1)) == image)
        #expect(image.adjusted(.brightness(0)) == RGBImage(width: 9, height: 7))
        let grey = image.adjusted(.saturation(0))
        for y in 0..<7 {
            for x in 0..<9 {
                let pixel = grey[x, y]
                #expect(pixel.red == pixel.green && pixel.green == pixel.blue)
            }
        }
        let flat = image.adjusted(.contrast(0))
        #expect(Set(flat.pixels).count == 1)
        let brighter = image.adjusted(.brightness(1.5))
        #expect(zip(brighter.pixels, image.pixels).allSatisfy { $0 >= $1 })
        #expect(brighter[0, 0].red == UInt8(min((Double(image[0, 0].red) * 1.5).rounded(), 255)))

        let jitter = ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4)
        var generator = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let adjustments = jitter.adjustments(using: &generator)
            #expect(adjustments.count == 3)
            for adjustment in adjustments {
                switch adjustment {
                case .brightness(let factor), .contrast(let factor), .saturation(let factor):
                    #expect(factor >= 0.6 && factor <= 1.4)
                }
            }
        }
        #expect(ColorJitter().adjustments(using: &generator).isEmpty)
        var again = SplitMix64(seed: 5), same = SplitMix64(seed: 5)
        #expect(jitter(image, using: &again) == jitter(image, using: &same))
    }
}
