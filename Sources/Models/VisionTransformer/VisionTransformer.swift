import Autograd
import NN
import Tensor

/// CLIP's image tower as a vision transformer (Dosovitskiy et al. 2021; Radford et al. 2021):
///
///     z₀ = LN_pre([x_class; patches(x)·E] + E_pos)      patches by a stride-p convolution, no bias
///     z_L = transformer(z₀)                              pre-LN residual attention blocks
///     y = LN_post(z_L[class]) · P                         the class token, projected
///
/// Only the class token leaves the last block, so that block computes nothing else
/// (`PreNormTransformer.callAsFunction(_:mask:keepingRows:)`). Parameter names are OpenAI's and
/// OpenCLIP's (`conv1.weight`, `class_embedding`, `positional_embedding`, `ln_pre`,
/// `transformer.resblocks.<l>.…`, `ln_post`, `proj`).
public struct VisionTransformer: Module {
    public let configuration: VisionTransformerConfiguration
    @Key("conv1") public var patchEmbedding: Conv2d
    @Key("class_embedding") public var classEmbedding: Parameter
    @Key("positional_embedding") public var positionalEmbedding: Parameter
    @Key("ln_pre") public var preNorm: LayerNorm
    @Key("transformer") public var transformer: PreNormTransformer
    @Key("ln_post") public var postNorm: LayerNorm
    @Key("proj") public var projection: Parameter

    public init(_ configuration: VisionTransformerConfiguration) {
        let width = configuration.width, epsilon = configuration.layerNormEpsilon
        self.configuration = configuration
        patchEmbedding = Conv2d(inChannels: 3, outChannels: width, kernelSize: configuration.patchSize,
                                stride: configuration.patchSize, bias: false)
        classEmbedding = Parameter(Tensor(zeros: [width]))
        positionalEmbedding = Parameter(Tensor(zeros: [configuration.tokens, width]))
        preNorm = LayerNorm(width: width, epsilon: epsilon)
        transformer = PreNormTransformer(width: width, layers: configuration.layers, heads: configuration.heads,
                                         mlpWidth: configuration.mlpWidth, activation: configuration.activation,
                                         layerNormEpsilon: epsilon)
        postNorm = LayerNorm(width: width, epsilon: epsilon)
        projection = Parameter(Tensor(zeros: [width, configuration.outputDimension]))
    }

    /// Normalised images `[batch, 3, imageSize, imageSize]` → embeddings `[batch, outputDimension]`
    /// (not L2-normalised).
    public func callAsFunction(_ images: Variable) -> Variable {
        let sequence = embeddings(images)  // [batch, tokens, width]
        let classTokens = transformer(sequence, keepingRows: Array(repeating: 0, count: sequence.shape[0]))  // [batch, width]
        return Variable.matmul(postNorm(classTokens), projection.variable)  // [batch, outputDimension]
    }

    /// The transformer's input: LN_pre of class and patch tokens plus positions, `[batch, tokens, width]`.
    public func embeddings(_ images: Variable) -> Variable {
        let size = configuration.imageSize
        precondition(images.shape.count == 4 && Array(images.shape[1...]) == [3, size, size],
                     "VisionTransformer expects [batch, 3, \(size), \(size)] images, got \(images.shape)")
        let batch = images.shape[0], width = configuration.width, grid = configuration.gridSize
        let patches = patchEmbedding(images)  // [batch, width, grid, grid]
            .reshaped([batch, width, grid * grid]).permuted([0, 2, 1])  // [batch, patches, width]
        let classTokens = Variable(Tensor(zeros: [batch, 1, width])) + classEmbedding.variable.reshaped([1, 1, width])  // [batch, 1, width]
        let sequence = Variable.concatenate([classTokens, patches], alongAxis: 1)  // [batch, tokens, width]
        return preNorm(sequence + positionalEmbedding.variable)  // [batch, tokens, width]
    }
}
