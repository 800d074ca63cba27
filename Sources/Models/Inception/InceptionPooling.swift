import Autograd
import Tensor

/// The pooling windows of Inception-v3, with PyTorch's semantics.
public enum InceptionPooling: Sendable, Equatable {
    /// 3×3, stride 1, padding 1, averaging only the positions inside the image
    /// (`count_include_pad=False`, TensorFlow's SAME average pooling).
    case average3x3
    /// 3×3, stride 1, padding 1 max pooling (the last block's pool tower in the FID network).
    case max3x3
    /// 3×3, stride 2, no padding max pooling (the stem and the grid reductions).
    case max3x3Stride2

    public func callAsFunction(_ input: Variable) -> Variable {
        switch self {
        case .average3x3:
            return input.averagePool2d(geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)), countIncludingPadding: false)
        case .max3x3:
            return input.maxPool2d(geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)))
        case .max3x3Stride2:
            return input.maxPool2d(geometry: Convolution2DGeometry(kernel: (3, 3), stride: (2, 2)))
        }
    }
}
