extension RGBImage {
    /// The `width` x `height` rectangle whose top-left corner is (`left`, `top`), as Pillow's
    /// `Image.crop((left, top, left + width, top + height))`: parts outside the image are black.
    /// Throws `ImageError.outputTooLarge` for a crop over `RGBImage.maximumOutputPixelCount`.
    public func cropped(left: Int, top: Int, width cropWidth: Int, height cropHeight: Int) throws -> RGBImage {
        precondition(cropWidth >= 0 && cropHeight >= 0, "crop size \(cropWidth)x\(cropHeight) is negative")
        try requireOutputSize(width: cropWidth, height: cropHeight)
        let sourceWidth = width, sourceHeight = height
        // Columns of the crop that fall inside the image.
        let firstColumn = min(max(-left, 0), cropWidth)
        let endColumn = max(min(sourceWidth - left, cropWidth), firstColumn)
        let insideBytes = (endColumn - firstColumn) * 3
        return RGBImage(width: cropWidth, height: cropHeight) { output in
            output.initialize(repeating: 0)
            guard insideBytes > 0 else { return }
            pixels.withUnsafeBufferPointer { input in
                for row in 0..<cropHeight {
                    let sourceRow = top + row
                    guard sourceRow >= 0 && sourceRow < sourceHeight else { continue }
                    let source = input.baseAddress! + (sourceRow * sourceWidth + left + firstColumn) * 3
                    let destination = output.baseAddress! + (row * cropWidth + firstColumn) * 3
                    destination.update(from: source, count: insideBytes)
                }
            }
        }
    }

    /// torchvision's `CenterCrop((height, width))` on a PIL image: when the image is smaller than
    /// the crop it is first padded with black, (crop - size) // 2 before and the rest after; the
    /// offsets are then `round((size - crop) / 2)` with Python's round-half-to-even.
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) throws -> RGBImage {
        precondition(cropWidth > 0 && cropHeight > 0, "center crop size \(cropWidth)x\(cropHeight) must be positive")
        let top = Self.centerCropOffset(size: height, crop: cropHeight)
        let left = Self.centerCropOffset(size: width, crop: cropWidth)
        return try cropped(left: left, top: top, width: cropWidth, height: cropHeight)
    }

    /// The start of a centred window of `crop` pixels within `size`, negative when the window
    /// overhangs (torchvision pads by (crop - size) // 2 in front, then rounds the centring of the
    /// padded size, which lands exactly at zero).
    static func centerCropOffset(size: Int, crop: Int) -> Int {
        if crop > size {
            return -((crop - size) / 2)
        }
        // round((size - crop) / 2.0), ties to even, on an integer or half-integer.
        let difference = size - crop
        let half = difference / 2
        if difference % 2 == 0 { return half }
        return half % 2 == 0 ? half : half + 1
    }
}
