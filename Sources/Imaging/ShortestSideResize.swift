extension RGBImage {
    /// The output size of torchvision's `Resize(shortestSide)` (an int size, no `max_size`): the
    /// shorter side becomes `shortestSide` and the longer side `int(shortestSide * long / short)`,
    /// truncated after a correctly rounded division (Python's `int(a * b / c)`); a square or a
    /// portrait image keeps width as its short side (`w <= h`).
    public static func shortestSideSize(width: Int, height: Int, shortestSide: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0 && shortestSide > 0,
                     "shortest-side resize needs positive sizes, got \(width)x\(height) to \(shortestSide)")
        let (short, long) = width <= height ? (width, height) : (height, width)
        let newLong = Int(Double(shortestSide * long) / Double(short))
        return width <= height ? (shortestSide, newLong) : (newLong, shortestSide)
    }

    /// torchvision's `Resize(shortestSide, interpolation)` on a PIL image: resized with Pillow's
    /// resampler to `shortestSideSize`, or returned unchanged when it already has that size. A
    /// very thin image, whose long side would grow past `RGBImage.maximumOutputPixelCount`, throws
    /// `ImageError.outputTooLarge` before anything is allocated.
    public func resizedShortestSide(to shortestSide: Int, filter: ResamplingFilter = .bicubic) throws -> RGBImage {
        let size = Self.shortestSideSize(width: width, height: height, shortestSide: shortestSide)
        if size.width == width && size.height == height { return self }
        return try resized(width: size.width, height: size.height, filter: filter)
    }

    /// torchvision's `Resize(shortestSide)` then `CenterCrop((height, width))`, bit-exact with
    /// `resizedShortestSide(to:filter:)` followed by `centerCropped(width:height:)`, but only the
    /// kept window is resampled (`resized(width:height:keepingColumns:rows:)`): a 40×32,792 image
    /// resized to 224 costs a 224×224 window, not the 224×183,635 image the crop would throw away.
    /// Parts of the crop beyond the resized image are black, as `CenterCrop` pads them.
    public func resizedShortestSideAndCenterCropped(to shortestSide: Int, width cropWidth: Int, height cropHeight: Int,
                                                    filter: ResamplingFilter = .bicubic) throws -> RGBImage {
        precondition(cropWidth > 0 && cropHeight > 0, "center crop size \(cropWidth)x\(cropHeight) must be positive")
        let size = Self.shortestSideSize(width: width, height: height, shortestSide: shortestSide)
        if size.width == width && size.height == height {
            return try centerCropped(width: cropWidth, height: cropHeight)
        }
        try requireOutputSize(width: cropWidth, height: cropHeight)
        let left = Self.centerCropOffset(size: size.width, crop: cropWidth)
        let top = Self.centerCropOffset(size: size.height, crop: cropHeight)
        let columns = max(left, 0)..<min(left + cropWidth, size.width)
        let rows = max(top, 0)..<min(top + cropHeight, size.height)
        let window = try resized(width: size.width, height: size.height, keepingColumns: columns, rows: rows, filter: filter)
        if columns.count == cropWidth && rows.count == cropHeight { return window }
        return try window.cropped(left: left - columns.lowerBound, top: top - rows.lowerBound,
                                  width: cropWidth, height: cropHeight)
    }
}
