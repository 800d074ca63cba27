import Imaging

extension LabeledImageSet {
    /// Image `index` as an 8-bit RGB raster: grey samples replicated to R, G and B (what
    /// Pillow's `convert("RGB")` does with an "L" image), 3-channel planes interleaved.
    public func rgbImage(at index: Int) -> RGBImage {
        precondition(channels == 1 || channels == 3, "only 1- and 3-channel sets convert to RGB, this one has \(channels)")
        precondition(index >= 0 && index < count, "image \(index) is outside 0..<\(count)")
        let plane = height * width, start = index * imageSize
        return RGBImage(width: width, height: height) { output in
            pixels.withUnsafeBufferPointer { source in
                let input = source.baseAddress! + start
                for pixel in 0..<plane {
                    for channel in 0..<3 {
                        output[pixel * 3 + channel] = input[(channels == 1 ? 0 : channel * plane) + pixel]
                    }
                }
            }
        }
    }
}
