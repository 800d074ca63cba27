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
}
