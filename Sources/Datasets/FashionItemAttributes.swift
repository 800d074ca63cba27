/// Simple visual attributes of a Fashion-MNIST item measured from its pixels, so a caption built
/// from them can be checked exactly on any image later (a generated one included):
///
///     foreground = { p : p ≥ 64 }                       pixels of the 28×28 item, 0…255
///     tone = dark  if mean(foreground) < 176, else light
///     size = large if |foreground| / 784 ≥ 0.4, else small
///
/// The thresholds split the first 10,000 training items about in half (foreground mean median
/// ≈ 176; fill median ≈ 0.41). An item without foreground pixels is dark and small. Fashion-MNIST
/// stores the garments' intensities negated (Xiao et al. 2017), so "dark" means dim on the black
/// background. `label` is the class index of `FashionMNIST.classNames`.
public struct FashionItemAttributes: Sendable, Equatable, Hashable {
    public enum Tone: String, Sendable, CaseIterable { case dark, light }
    public enum Size: String, Sendable, CaseIterable { case small, large }

    /// Side of the item, as Fashion-MNIST stores it.
    public static let itemSide = 28
    public static let foregroundThreshold: UInt8 = 64
    public static let darkBelow = 176.0
    public static let largeFrom = 0.4

    public var label: Int
    public var tone: Tone
    public var size: Size

    public init(label: Int, tone: Tone, size: Size) {
        self.label = label
        self.tone = tone
        self.size = size
    }

    /// Measures a 28×28 item: `pixels` are its 784 grey samples, row by row.
    public init<Pixels: Collection>(label: Int, measuring pixels: Pixels) where Pixels.Element == UInt8 {
        precondition(pixels.count == Self.itemSide * Self.itemSide,
                     "a Fashion-MNIST item has \(Self.itemSide * Self.itemSide) pixels, got \(pixels.count)")
        var count = 0, sum = 0
        for pixel in pixels where pixel >= Self.foregroundThreshold {
            count += 1
            sum += Int(pixel)
        }
        let mean = count == 0 ? 0 : Double(sum) / Double(count)
        let fill = Double(count) / Double(pixels.count)
        self.init(label: label, tone: mean < Self.darkBelow ? .dark : .light, size: fill >= Self.largeFrom ? .large : .small)
    }

    /// The class as a caption names it (`FashionMNIST.promptNames`: "t-shirt", "pair of trousers", …).
    public var noun: String { FashionMNIST.promptNames[label] }
}
