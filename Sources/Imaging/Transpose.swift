/// The seven lossless flips and quarter turns of Pillow's `Image.transpose`.
///
/// With the input w pixels wide and h high, each output pixel (X, Y) copies input pixel:
/// `flipLeftRight` (w-1-X, Y); `flipTopBottom` (X, h-1-Y); `rotate90` (w-1-Y, X), a quarter
/// turn counter-clockwise; `rotate180` (w-1-X, h-1-Y); `rotate270` (Y, h-1-X), a quarter turn
/// clockwise; `transpose` (Y, X), a mirror in the main diagonal; `transverse` (w-1-Y, h-1-X),
/// a mirror in the anti-diagonal.
public enum Transpose: Sendable, CaseIterable {
    case flipLeftRight
    case flipTopBottom
    case rotate90
    case rotate180
    case rotate270
    case transpose
    case transverse

    /// Whether the output swaps width and height.
    public var swapsAxes: Bool {
        switch self {
        case .rotate90, .rotate270, .transpose, .transverse: return true
        case .flipLeftRight, .flipTopBottom, .rotate180: return false
        }
    }
}

extension RGBImage {
    /// The image flipped or turned by `operation` (Pillow's `Image.transpose`).
    public func transposed(_ operation: Transpose) -> RGBImage {
        let (inputWidth, inputHeight) = (width, height)
        let (outputWidth, outputHeight) = operation.swapsAxes ? (height, width) : (width, height)
        return RGBImage(width: outputWidth, height: outputHeight) { output in
            pixels.withUnsafeBufferPointer { input in
                for outputY in 0..<outputHeight {
                    for outputX in 0..<outputWidth {
                        let (x, y): (Int, Int)
                        switch operation {
                        case .flipLeftRight: (x, y) = (inputWidth - 1 - outputX, outputY)
                        case .flipTopBottom: (x, y) = (outputX, inputHeight - 1 - outputY)
                        case .rotate90: (x, y) = (inputWidth - 1 - outputY, outputX)
                        case .rotate180: (x, y) = (inputWidth - 1 - outputX, inputHeight - 1 - outputY)
                        case .rotate270: (x, y) = (outputY, inputHeight - 1 - outputX)
                        case .transpose: (x, y) = (outputY, outputX)
                        case .transverse: (x, y) = (inputWidth - 1 - outputY, inputHeight - 1 - outputX)
                        }
                        let source = (y * inputWidth + x) * 3
                        let destination = (outputY * outputWidth + outputX) * 3
                        output[destination] = input[source]
                        output[destination + 1] = input[source + 1]
                        output[destination + 2] = input[source + 2]
                    }
                }
            }
        }
    }

    /// The image mirrored left to right.
    public func flippedHorizontally() -> RGBImage { transposed(.flipLeftRight) }

    /// The image mirrored top to bottom.
    public func flippedVertically() -> RGBImage { transposed(.flipTopBottom) }
}
