import Foundation
import Imaging

/// Where a relation example's image comes from.
public enum RelationImage: Sendable, Equatable {
    /// Drawn in memory (generated scenes).
    case inMemory(RGBImage)
    /// An image file, decoded when needed.
    case file(String)
}

/// One training or evaluation unit of relation-aware CLIP: an image, a caption with its
/// subject–relation–object triple, the boxes of the subject and the object in the image, and
/// the opposite-relation negative (SA-CLIP, Li et al. 2025, §2.2–2.3).
public struct RelationExample: Sendable, Equatable {
    public var image: RelationImage
    public var caption: String
    public var triple: RelationTriple
    /// The caption rewritten with the opposite relation (nil for a symmetric relation).
    public var negative: NegativeCaption?
    /// Boxes of the subject and the object in the image's pixels.
    public var subjectBox: PixelBox
    public var objectBox: PixelBox
    /// The box of the negative statement's own object when it names another object than the
    /// caption does (a traffic frame's "driving on the sidewalk" against "driving on the road"),
    /// for training with negatives grounded to their own objects; nil: the caption's object.
    public var negativeObjectBox: PixelBox?
    /// Whether the caption is true of the image (the Visual Spatial Reasoning label).
    public var label: Bool
    /// A group name for plots and cluster scores (a scene's spatial configuration).
    public var group: String?

    public init(image: RelationImage, caption: String, triple: RelationTriple, negative: NegativeCaption?, subjectBox: PixelBox,
                objectBox: PixelBox, label: Bool = true, group: String? = nil, negativeObjectBox: PixelBox? = nil) {
        self.image = image
        self.caption = caption
        self.triple = triple
        self.negative = negative
        self.subjectBox = subjectBox
        self.objectBox = objectBox
        self.label = label
        self.group = group
        self.negativeObjectBox = negativeObjectBox
    }

    /// The decoded image.
    public func decodedImage(decoder: ImageDecoder = ImageDecoder()) throws -> RGBImage {
        switch image {
        case let .inMemory(image): return image
        case let .file(path): return try decoder.decode(contentsOf: URL(fileURLWithPath: path))
        }
    }
}
