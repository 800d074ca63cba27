extension RGBImage {
    /// The most pixels any resize or crop may produce: Pillow's `Image.MAX_IMAGE_PIXELS`, the same
    /// bound the decoder puts on its input (`ImageDecoder.defaultMaximumPixelCount`, 89,478,485
    /// pixels, 268 MB of RGB). The decoder's bound alone does not bound memory: resizing the short
    /// side of a 2×200,000 image (400,000 pixels) to 224 asks for 224×22,400,000 pixels (15 GB).
    public static let maximumOutputPixelCount = ImageDecoder.defaultMaximumPixelCount

    /// Throws `ImageError.outputTooLarge` when a `width` x `height` result of this image exceeds
    /// `maximumOutputPixelCount` (or has a negative side); checked before anything is allocated by
    /// every resize and crop, and by each pass of a two-pass resize.
    func requireOutputSize(width outputWidth: Int, height outputHeight: Int) throws {
        let (pixels, overflow) = outputWidth.multipliedReportingOverflow(by: outputHeight)
        guard outputWidth >= 0, outputHeight >= 0, !overflow, pixels <= Self.maximumOutputPixelCount else {
            throw ImageError.outputTooLarge(inputWidth: width, inputHeight: height, outputWidth: outputWidth,
                                            outputHeight: outputHeight, limit: Self.maximumOutputPixelCount)
        }
    }
}
