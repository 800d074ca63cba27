import Datasets
import Tensor

/// Reads, from generated images, the attributes their captions asked for (`CaptionedAttributes`),
/// for the text-to-face issue's attribute agreement: the classifier's heads (`AttributeClassifier`
/// on the frozen captioner encoder's pooled regions) and, for Fashion-MNIST, the tone and size
/// measured exactly from the pixels as `FashionItemAttributes` measures a real item:
///
///     x ∈ [−1, 1]^{c×S×S} → grey (channel mean) → 32×32 (bilinear, when S ≠ 32)
///       → centre 28×28 (the padding removed) → bytes round(127.5·(x + 1)) → tone, size
///
/// Agreement of an image with a request is the fraction of judged attributes whose read value
/// equals the requested one.
public struct AttributeJudge {
    public let kind: CaptionedAttributes.Kind
    public let classifier: AttributeClassifier
    public let encoder: CaptionerImageEncoder

    /// Fails when the classifier's layout is not the one `kind` needs (a face classifier for items).
    public init(kind: CaptionedAttributes.Kind, classifier: AttributeClassifier, encoder: CaptionerImageEncoder) throws {
        guard classifier.layout == kind.classifierLayout else {
            throw GenerationError.invalidRequest("the attribute classifier reads \(classifier.layout.attributes) "
                                                 + "but \(kind.rawValue) captions ask for \(kind.classifierLayout.attributes)")
        }
        self.kind = kind
        self.classifier = classifier
        self.encoder = encoder
    }

    /// The attributes read, in order.
    public var attributes: [String] { kind.judgedAttributes }

    /// The value indices `[batch][attributes]` read from images `[batch, 1 or 3, S, S]` in [−1, 1].
    public func read(images: Tensor) -> [[Int]] {
        read(images: images, pooled: encoder.regions(of: images).mean(alongAxis: 1))  // [batch, D]
    }

    /// As `read(images:)` with the encoder's pooled regions `[batch, D]` already computed.
    public func read(images: Tensor, pooled: Tensor) -> [[Int]] {
        let predicted = classifier.predictions(pooled: pooled)  // [batch][heads]
        guard kind == .fashion else { return predicted }
        let measured = Self.measuredItems(images)
        return zip(predicted, measured).map { heads, item in heads + [item.tone == .dark ? 0 : 1, item.size == .small ? 0 : 1] }
    }

    /// Per image, whether each judged attribute agrees with the request: `[batch][attributes]`.
    public static func agreement(read: [[Int]], requested: [CaptionedAttributes]) -> [[Bool]] {
        zip(read, requested).map { values, request in zip(values, request.judgedValues).map { $0 == $1 } }
    }

    /// Tone and size of images `[batch, 1 or 3, S, S]` in [−1, 1] holding an item padded to 32×32
    /// (class label 0: only the measured attributes are meaningful).
    public static func measuredItems(_ images: Tensor) -> [FashionItemAttributes] {
        var grey = images.shape[1] == 1 ? images : images.mean(alongAxis: 1, keepingDimension: true)  // [batch, 1, S, S]
        let canvas = 32, side = FashionItemAttributes.itemSide, border = (canvas - side) / 2
        if grey.shape[2] != canvas || grey.shape[3] != canvas {
            grey = grey.upsampled(height: canvas, width: canvas, mode: .bilinear(alignCorners: false))  // [batch, 1, 32, 32]
        }
        let values = grey.scalars
        return (0..<grey.shape[0]).map { image in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(side * side)
            for y in border..<(border + side) {
                for x in border..<(border + side) {
                    let value = values[(image * canvas + y) * canvas + x]
                    bytes.append(UInt8(max(0, min(255, ((value + 1) * 127.5).rounded()))))
                }
            }
            return FashionItemAttributes(label: 0, measuring: bytes)
        }
    }
}
