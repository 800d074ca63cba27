import Autograd
import NN
import Tensor

/// A 2-D convolution with an equalised learning rate (Karras et al. 2018, ProGAN §4.1; StyleGAN2's
/// discriminator): the kernel is stored as N(0, 1) and scaled by c = 1/√(in·k²) on every use,
///
///     y = conv(x, c·W) + b.
///
/// rosinality/stylegan2-pytorch's `EqualConv2d`: `weight` `[out, in, k, k]`, optional `bias` `[out]`.
public struct EqualizedConvolution: Module {
    public let scale: Float
    public let geometry: Convolution2DGeometry
    @Key("weight") public var weight: Parameter
    @Key("bias") public var bias: Parameter?

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
                generator: inout SeededGenerator) {
        scale = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
        geometry = Convolution2DGeometry(kernel: (kernelSize, kernelSize), stride: (stride, stride), padding: (padding, padding))
        weight = Parameter(Tensor.randomNormal([outChannels, inChannels, kernelSize, kernelSize], generator: &generator))
        self.bias = bias ? Parameter(Tensor(zeros: [outChannels])) : nil
    }

    /// `[batch, in, height, width]` → `[batch, out, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.conv2d(input, weight: weight.variable * scale, bias: bias?.variable, geometry: geometry)
    }
}
