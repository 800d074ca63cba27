import Foundation

/// Random-resized-crop augmentation as torchvision's `RandomResizedCrop` draws it (Szegedy et
/// al., "Going Deeper with Convolutions", 2015): up to ten tries of a window covering a random
/// fraction `scale` of the area with a log-uniform aspect ratio in `ratio`, sides rounded to the
/// nearest integer (ties to even, as Python's `round`) and placed uniformly; if none fits, the largest centred window whose aspect
/// ratio is clamped into `ratio`. The window is then resized to `width` x `height`.
public struct RandomResizedCrop: Sendable, Equatable {
    /// A crop window in input pixels.
    public struct Window: Sendable, Equatable {
        public var left: Int
        public var top: Int
        public var width: Int
        public var height: Int

        public init(left: Int, top: Int, width: Int, height: Int) {
            self.left = left
            self.top = top
            self.width = width
            self.height = height
        }
    }

    public var width: Int
    public var height: Int
    /// Range of the window's area as a fraction of the image area.
    public var scale: ClosedRange<Double>
    /// Range of the window's aspect ratio (width / height), sampled log-uniformly.
    public var ratio: ClosedRange<Double>
    public var filter: ResamplingFilter

    public init(width: Int, height: Int, scale: ClosedRange<Double> = 0.08...1,
                ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3), filter: ResamplingFilter = .bilinear) {
        precondition(width > 0 && height > 0, "output size \(width)x\(height) must be positive")
        precondition(scale.lowerBound > 0 && scale.upperBound <= 1, "scale \(scale) must lie in (0, 1]")
        precondition(ratio.lowerBound > 0, "ratio \(ratio) must be positive")
        self.width = width
        self.height = height
        self.scale = scale
        self.ratio = ratio
        self.filter = filter
    }

    /// Draws a window inside an image of `imageWidth` x `imageHeight`.
    public func window<Generator: RandomNumberGenerator>(imageWidth: Int, imageHeight: Int,
                                                          using generator: inout Generator) -> Window {
        precondition(imageWidth > 0 && imageHeight > 0, "image size \(imageWidth)x\(imageHeight) must be positive")
        let area = Double(imageWidth * imageHeight)
        let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
        for _ in 0..<10 {
            let targetArea = area * Double.random(in: scale, using: &generator)
            let aspect = exp(Double.random(in: logRatio, using: &generator))
            let cropWidth = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let cropHeight = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if cropWidth > 0 && cropWidth <= imageWidth && cropHeight > 0 && cropHeight <= imageHeight {
                let top = Int.random(in: 0...(imageHeight - cropHeight), using: &generator)
                let left = Int.random(in: 0...(imageWidth - cropWidth), using: &generator)
                return Window(left: left, top: top, width: cropWidth, height: cropHeight)
            }
        }
        // Fallback: centred, aspect ratio clamped into `ratio`.
        let imageRatio = Double(imageWidth) / Double(imageHeight)
        var cropWidth = imageWidth, cropHeight = imageHeight
        if imageRatio < ratio.lowerBound {
            cropHeight = Int((Double(cropWidth) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if imageRatio > ratio.upperBound {
            cropWidth = Int((Double(cropHeight) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        cropWidth = min(max(cropWidth, 1), imageWidth)
        cropHeight = min(max(cropHeight, 1), imageHeight)
        return Window(left: (imageWidth - cropWidth) / 2, top: (imageHeight - cropHeight) / 2,
                      width: cropWidth, height: cropHeight)
    }

    /// A random window of `image`, resized to `width` x `height`.
    public func callAsFunction<Generator: RandomNumberGenerator>(_ image: RGBImage,
                                                                  using generator: inout Generator) throws -> RGBImage {
        let window = window(imageWidth: image.width, imageHeight: image.height, using: &generator)
        return try image.cropped(left: window.left, top: window.top, width: window.width, height: window.height)
            .resized(width: width, height: height, filter: filter)
    }
}
