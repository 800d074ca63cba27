import Datasets
import Imaging

/// An axis-aligned box in an image's pixel coordinates, by its corners: `left ≤ x < right`,
/// `top ≤ y < bottom` (the (x₁, y₁, x₂, y₂) of ROI-align and of LXMERT's box features).
public struct PixelBox: Codable, Sendable, Hashable {
    public var left: Double
    public var top: Double
    public var right: Double
    public var bottom: Double

    public init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    /// A COCO box `[x, y, width, height]`.
    public init(_ box: COCOInstances.Box) {
        self.init(left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height)
    }

    /// The whole of a `width × height` image.
    public static func whole(width: Int, height: Int) -> PixelBox {
        PixelBox(left: 0, top: 0, right: Double(width), bottom: Double(height))
    }

    public var width: Double { right - left }
    public var height: Double { bottom - top }

    /// COCO's `[x, y, width, height]`, rounded to 0.01 pixel for files.
    public var cocoBox: [Double] { [left, top, width, height].map { ($0 * 100).rounded() / 100 } }

    /// (x₁/W, y₁/H, x₂/W, y₂/H): the normalised corners LXMERT's box embedding reads (Tan &
    /// Bansal 2019, "LXMERT: Learning Cross-Modality Encoder Representations from Transformers").
    public func normalizedCorners(width imageWidth: Int, height imageHeight: Int) -> [Float] {
        [Float(left / Double(imageWidth)), Float(top / Double(imageHeight)), Float(right / Double(imageWidth)),
         Float(bottom / Double(imageHeight))]
    }

    /// The box grown by `fraction` of its size on every side and to at least `minimumSide`
    /// pixels, kept inside a `width × height` image, in whole pixels (for cropping a region).
    public func expanded(by fraction: Double, minimumSide: Double, width imageWidth: Int, height imageHeight: Int)
        -> (left: Int, top: Int, width: Int, height: Int) {
        let growX = max(width * fraction, (minimumSide - width) / 2, 0), growY = max(height * fraction, (minimumSide - height) / 2, 0)
        let x1 = max(0, Int((left - growX).rounded(.down))), y1 = max(0, Int((top - growY).rounded(.down)))
        let x2 = min(imageWidth, Int((right + growX).rounded(.up))), y2 = min(imageHeight, Int((bottom + growY).rounded(.up)))
        return (x1, y1, max(x2 - x1, 1), max(y2 - y1, 1))
    }

    /// The region of `image` under this box, grown by `margin` of its size on every side (at
    /// least 16 pixels a side): what SA-CLIP's Eq. 6 encodes as f_v(ROI).
    public func crop(from image: RGBImage, margin: Double) throws -> RGBImage {
        let region = expanded(by: margin, minimumSide: 16, width: image.width, height: image.height)
        return try image.cropped(left: region.left, top: region.top, width: region.width, height: region.height)
    }
}
