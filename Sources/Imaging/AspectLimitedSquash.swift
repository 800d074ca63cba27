extension RGBImage {
    /// The competition paper's preprocessing rule for image–text retrieval: an image whose long
    /// side is at most twice its short side is squashed (stretched) straight to
    /// `size` x `size`; a longer one first has its long side cut, centred, to exactly twice the
    /// short side, and the resulting 2:1 image is then squashed to `size` x `size`.
    ///
    /// Exactly: with long = max(w, h) and short = min(w, h), if long <= 2 * short nothing is cut;
    /// otherwise the kept length is 2 * short (an integer, so the ratio is exactly 2:1) starting
    /// at round((long - 2 * short) / 2) with ties to even (the offset rule of torchvision's
    /// `CenterCrop`), the short side untouched. The cut is a plain crop (no pixels outside it
    /// influence the result), followed by Pillow's resampler with `filter` (bicubic in the paper),
    /// i.e. `image.crop(box).resize((size, size), filter)` in Pillow.
    public func aspectLimitedSquashed(to size: Int, filter: ResamplingFilter = .bicubic) throws -> RGBImage {
        precondition(size > 0, "output size must be positive, got \(size)")
        let box = Self.aspectLimitedCropBox(width: width, height: height)
        let kept = box.width == width && box.height == height
            ? self : try cropped(left: box.left, top: box.top, width: box.width, height: box.height)
        return try kept.resized(width: size, height: size, filter: filter)
    }

    /// The region kept by `aspectLimitedSquashed` before resizing: the whole image when its
    /// aspect ratio is at most 2:1, else the centred 2:1 window along the long side.
    public static func aspectLimitedCropBox(width: Int, height: Int) -> (left: Int, top: Int, width: Int, height: Int) {
        precondition(width > 0 && height > 0, "image size \(width)x\(height) must be positive")
        if width > 2 * height {
            let keptWidth = 2 * height
            return (centerCropOffset(size: width, crop: keptWidth), 0, keptWidth, height)
        }
        if height > 2 * width {
            let keptHeight = 2 * width
            return (0, centerCropOffset(size: height, crop: keptHeight), width, keptHeight)
        }
        return (0, 0, width, height)
    }
}
