import Autograd
import NN
import Tensor

/// A bias-free convolution with TensorFlow "SAME" zero padding, which puts the odd pixel of an
/// uneven padding at the bottom/right: the output has ⌈size / stride⌉ pixels per spatial axis.
/// Key name `weight` (`[outChannels, inChannels/groups, kernel, kernel]`).
///
/// Symmetric padding is handed to the convolution itself; an uneven border is added explicitly
/// first (both give the same zeros, the first without a copy).
public struct SamePaddingConv2d: Module {
    /// The padding every input gets, or `nil` to compute it from each input's size.
    public let fixedPadding: SpatialPadding?
    @Key("") public var convolution: Conv2d

    /// - Parameter nominalInputSize: with `.fixed`, the (height, width) the padding is computed for.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, groups: Int = 1,
                padding mode: SamePaddingMode, nominalInputSize: (height: Int, width: Int)) {
        switch mode {
        case .fixed:
            fixedPadding = .same(height: nominalInputSize.height, width: nominalInputSize.width,
                                 kernel: kernelSize, stride: stride)
        case .dynamic:
            fixedPadding = nil
        }
        convolution = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                             stride: stride, groups: groups, bias: false)
    }

    public var weight: Parameter { convolution.weight }

    /// The padding an input of `height` × `width` gets.
    public func padding(height: Int, width: Int) -> SpatialPadding {
        let geometry = convolution.geometry
        return fixedPadding ?? .same(height: height, width: width, kernel: geometry.kernelHeight,
                                     stride: geometry.strideHeight, dilation: geometry.dilationHeight)
    }

    /// `[batch, inChannels, height, width]` → `[batch, outChannels, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        let padding = padding(height: input.shape[2], width: input.shape[3])
        var geometry = convolution.geometry
        var padded = input
        if padding.top == padding.bottom && padding.left == padding.right {
            (geometry.paddingHeight, geometry.paddingWidth) = (padding.top, padding.left)
        } else {
            padded = input.padded(padding)  // [batch, inChannels, height + top + bottom, width + left + right]
        }
        return Variable.conv2d(padded, weight: convolution.weight.variable, bias: nil, geometry: geometry,
                               groups: convolution.groups)
    }
}
