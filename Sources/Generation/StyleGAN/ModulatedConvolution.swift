import Autograd
import NN
import Tensor

/// StyleGAN2's modulated convolution with weight demodulation (Karras et al. 2020, §2.2, Eqs. 1–3):
/// a style s = A(w) (an `EqualizedLinear` with bias initialised to 1) scales the kernel's input
/// channels, and demodulation rescales each output channel back to unit expected magnitude:
///
///     w′_ijk = c · s_i · w_ijk,    w″_ijk = w′_ijk / √(Σ_{i,k} w′_ijk² + 10⁻⁸),    c = 1/√(in·k²).
///
/// Instead of a grouped convolution with one kernel per sample (rosinality's fused path), this
/// computes the same thing as one shared convolution: conv(x ⊙ s, c·W) ⊙ d with
/// d_bj = 1/√(Σ_i s_bi² Σ_k (c·w_jik)² + 10⁻⁸) (StyleGAN2's "non-fused" form; equal up to rounding).
/// With `upsamples`, the convolution is the stride-2 transposed convolution — zero insertion, padding
/// k − 1 and the turned kernel — followed by a `Blur` with gain 4 and padding (1, 1), as rosinality
/// does. Names: `weight` `[1, out, in, k, k]`, `modulation.weight/bias`, `blur.kernel`.
public struct ModulatedConvolution: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let demodulates: Bool
    public let scale: Float
    @Key("weight") public var weight: Parameter
    @Key("modulation") public var modulation: EqualizedLinear
    @Key("blur") public var blur: Blur?

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, styleDimension: Int, demodulates: Bool = true,
                upsamples: Bool = false, taps: [Float] = FIRFilter.binomialTaps, generator: inout SeededGenerator) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.demodulates = demodulates
        scale = 1 / Float(inChannels * kernelSize * kernelSize).squareRoot()
        weight = Parameter(Tensor.randomNormal([1, outChannels, inChannels, kernelSize, kernelSize], generator: &generator))
        modulation = EqualizedLinear(inFeatures: styleDimension, outFeatures: inChannels, biasInitialValue: 1, generator: &generator)
        if upsamples {
            let factor = 2
            let excess = (taps.count - factor) - (kernelSize - 1)
            blur = Blur(taps: taps, before: (excess + 1) / 2 + factor - 1, after: excess / 2 + 1, upsamplingFactor: factor)
        } else {
            blur = nil
        }
    }

    public var upsamples: Bool { blur != nil }

    /// `x` `[batch, in, h, w]`, `w` `[batch, styleDimension]` → `[batch, out, h, w]` (`[batch, out, 2h, 2w]` when upsampling).
    public func callAsFunction(_ input: Variable, style latent: Variable) -> Variable {
        let batch = input.shape[0]
        let style = modulation(latent)  // [batch, in]
        let modulated = input * style.reshaped([batch, inChannels, 1, 1])  // [batch, in, h, w]
        let kernel = weight.variable.reshaped([outChannels, inChannels, kernelSize, kernelSize]) * scale  // [out, in, k, k]
        var output: Variable
        if upsamples {
            // The transposed convolution: each input sample spreads the kernel over a 2× grid.
            let spread = FIRFilter.zeroInserted(modulated, factor: 2)  // [batch, in, 2h, 2w]
            let edge = kernelSize - 1
            let padded = spread.padded(SpatialPadding(top: edge, bottom: edge - 1, left: edge, right: edge - 1))
            output = Variable.conv2d(padded, weight: kernel.spatiallyTurned(), bias: nil,
                                     geometry: Convolution2DGeometry(kernel: (kernelSize, kernelSize)))  // [batch, out, 2h + 1, 2w + 1]
        } else {
            let padding = kernelSize / 2
            output = Variable.conv2d(modulated, weight: kernel, bias: nil,
                                     geometry: Convolution2DGeometry(kernel: (kernelSize, kernelSize), padding: (padding, padding)))
        }
        if demodulates {
            let kernelEnergy = kernel.squared().reshaped([outChannels, inChannels, -1]).sum(alongAxis: 2)  // [out, in]
            let energy = Variable.matmul(style.squared(), kernelEnergy, transposeB: true)  // [batch, out]
            output = output / (energy + 1e-8).sqrt().reshaped([batch, outChannels, 1, 1])
        }
        if let blur { output = blur(output) }  // [batch, out, 2h, 2w]
        return output
    }
}

extension Variable {
    /// The kernel turned by 180° in its last two axes (a true convolution's kernel as a
    /// cross-correlation's); the gradient is turned back.
    func spatiallyTurned() -> Variable {
        Variable(value.spatiallyTurned(), operation: "turn180", inputs: [self]) { [$0.spatiallyTurned()] }
    }
}

extension Tensor {
    /// The last two axes reversed.
    func spatiallyTurned() -> Tensor {
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let plane = height * width
        let source = self
        return Tensor(shape: shape) { output in
            for start in stride(from: 0, to: count, by: plane) {
                for index in 0..<plane { output[start + index] = source.pointer[start + plane - 1 - index] }
            }
        }
    }
}
