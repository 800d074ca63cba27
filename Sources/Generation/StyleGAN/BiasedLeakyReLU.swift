import Autograd
import NN
import Tensor

/// StyleGAN2's fused bias + activation (`fused_leaky_relu`, Karras et al. 2020; rosinality's
/// `FusedLeakyReLU`): y = √2 · LeakyReLU₀.₂(x + b), the bias broadcast over the channel axis (axis 1).
/// The gain √2 keeps the activations' second moment at one, as He initialisation does.
public struct BiasedLeakyReLU: Module {
    public static let negativeSlope: Float = 0.2
    public static let gain = Float(2).squareRoot()
    @Key("bias") public var bias: Parameter

    public init(channels: Int) {
        bias = Parameter(Tensor(zeros: [channels]))
    }

    /// `[batch, channels, …]` → the same shape.
    public func callAsFunction(_ input: Variable) -> Variable { Self.apply(input, bias: bias.variable) }

    /// √2 · LeakyReLU₀.₂(x + b) for `x` `[batch, channels, …]` and `b` `[channels]` (nil: no bias).
    public static func apply(_ input: Variable, bias: Variable?) -> Variable {
        var shifted = input
        if let bias {
            var shape = [Int](repeating: 1, count: input.shape.count)
            shape[1] = bias.shape[0]
            shifted = input + bias.reshaped(shape)
        }
        return shifted.leakyReLU(negativeSlope: negativeSlope) * gain
    }
}
