import Datasets
import Foundation
import Testing

/// Captions of Fashion-MNIST items from their class and pixel-measured attributes: the exact
/// captions of fixed items of Debian's idx files (attributes computed independently with NumPy:
/// train item 0 has 381 foreground pixels of mean 197.4, item 2 has 284 of mean 96.5), and the
/// thresholds on synthetic items.
struct FashionCaptionsTests {
    @Test func fixedTrainingItemsGiveExactCaptions() throws {
        let set = try FashionMNIST.load(split: .train)
        func item(_ index: Int) -> FashionItemAttributes {
            FashionItemAttributes(label: set.labels[index], measuring: set.pixels[(index * 784)..<((index + 1) * 784)])
        }
        #expect(item(0) == FashionItemAttributes(label: 9, tone: .light, size: .large))
        #expect(FashionCaptions.captions(for: item(0)) == [
            "a photo of a large light ankle boot",
            "this ankle boot is light and large.",
            "a light ankle boot that fills most of the picture",
            "a large ankle boot in a light shade",
        ])
        #expect(item(2) == FashionItemAttributes(label: 0, tone: .dark, size: .small))
        #expect(FashionCaptions.captions(for: item(2)) == [
            "a photo of a small dark t-shirt",
            "this t-shirt is dark and small.",
            "a dark t-shirt that fills little of the picture",
            "a small t-shirt in a dark shade",
        ])
        #expect(item(3) == FashionItemAttributes(label: 3, tone: .dark, size: .large))
    }

    @Test func thresholdsSplitToneAndSizeWhereDocumented() {
        func item(count: Int, value: UInt8, background: UInt8 = 0) -> FashionItemAttributes {
            FashionItemAttributes(label: 1, measuring: [UInt8](repeating: value, count: count) + [UInt8](repeating: background, count: 784 - count))
        }
        // 0.4 · 784 = 313.6: 313 pixels are small, 314 large.
        #expect(item(count: 313, value: 200).size == .small)
        #expect(item(count: 314, value: 200).size == .large)
        // The foreground mean: below 176 is dark.
        #expect(item(count: 100, value: 175).tone == .dark)
        #expect(item(count: 100, value: 176).tone == .light)
        // Pixels below 64 are background: they count neither for the mean nor for the size.
        #expect(item(count: 100, value: 200, background: 63) == FashionItemAttributes(label: 1, tone: .light, size: .small))
        // No foreground at all: dark and small.
        #expect(item(count: 0, value: 0) == FashionItemAttributes(label: 1, tone: .dark, size: .small))
        #expect(item(count: 10, value: 255).noun == "pair of trousers")
    }
}
