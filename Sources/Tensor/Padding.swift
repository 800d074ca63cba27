/// Zero padding of the two spatial axes of `[batch, channels, height, width]`, possibly
/// asymmetric (TensorFlow's "SAME" padding puts the odd pixel at the bottom/right).
public struct SpatialPadding: Equatable, Sendable {
    public var top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        precondition(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "padding must be non-negative")
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// TensorFlow "SAME" padding for one axis: total = max((⌈size/stride⌉ − 1)·stride +
    /// (kernel − 1)·dilation + 1 − size, 0), split total/2 before and the rest after.
    public static func same(height: Int, width: Int, kernel: Int, stride: Int, dilation: Int = 1) -> SpatialPadding {
        func split(_ size: Int) -> (Int, Int) {
            let outputSize = (size + stride - 1) / stride
            let total = Swift.max((outputSize - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(height), (left, right) = split(width)
        return SpatialPadding(top: top, bottom: bottom, left: left, right: right)
    }

    public var isZero: Bool { top == 0 && bottom == 0 && left == 0 && right == 0 }
}

extension Tensor {
    /// Zero-pads the last two axes.
    public func padded(_ padding: SpatialPadding) -> Tensor {
        precondition(rank == 4, "padded needs [batch, channels, height, width], got \(shape)")
        if padding.isZero { return self }
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let newHeight = height + padding.top + padding.bottom, newWidth = width + padding.left + padding.right
        let source = pointer
        var result = Tensor(zeros: [shape[0], shape[1], newHeight, newWidth])
        result.withUnsafeMutableBufferPointer { buffer in
            let destination = buffer.baseAddress!
            for plane in 0..<planes {
                for row in 0..<height {
                    (destination + (plane * newHeight + row + padding.top) * newWidth + padding.left)
                        .update(from: source + (plane * height + row) * width, count: width)
                }
            }
        }
        return result
    }

    /// Removes a padding border (the adjoint of `padded`).
    public func unpadded(_ padding: SpatialPadding) -> Tensor {
        precondition(rank == 4, "unpadded needs [batch, channels, height, width], got \(shape)")
        if padding.isZero { return self }
        let (planes, paddedHeight, paddedWidth) = (shape[0] * shape[1], shape[2], shape[3])
        let height = paddedHeight - padding.top - padding.bottom, width = paddedWidth - padding.left - padding.right
        let source = pointer
        return Tensor(shape: [shape[0], shape[1], height, width]) { buffer in
            for plane in 0..<planes {
                for row in 0..<height {
                    (buffer.baseAddress! + (plane * height + row) * width)
                        .initialize(from: source + (plane * paddedHeight + row + padding.top) * paddedWidth + padding.left, count: width)
                }
            }
        }
    }
}
