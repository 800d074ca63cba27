import Autograd
import NN
import Tensor

/// Inception-v3's 35×35 block (`Mixed_5b`–`Mixed_5d`; Szegedy et al. 2016, Fig. 5): four towers
/// concatenated along channels,
///
///     [conv1×1(x) | 5×5(1×1(x)) | 3×3(3×3(1×1(x))) | 1×1(avgpool3×3(x))]
///     64            64            96                  poolChannels
///
/// keys `conv`, `tower.conv{,_1}`, `tower_1.conv{,_1,_2}`, `tower_2.conv`.
public struct InceptionA: Module {
    @Key("conv") public var branch1x1: InceptionConvolution
    @Key("tower") public var branch5x5: InceptionTower
    @Key("tower_1") public var branch3x3Double: InceptionTower
    @Key("tower_2") public var branchPool: InceptionTower

    public init(inChannels: Int, poolChannels: Int) {
        branch1x1 = InceptionConvolution(inChannels, 64, kernel: 1)
        branch5x5 = InceptionTower([InceptionConvolution(inChannels, 48, kernel: 1), InceptionConvolution(48, 64, kernel: 5, padding: 2)])
        branch3x3Double = InceptionTower([InceptionConvolution(inChannels, 64, kernel: 1), InceptionConvolution(64, 96, kernel: 3, padding: 1),
                                          InceptionConvolution(96, 96, kernel: 3, padding: 1)])
        branchPool = InceptionTower(pooling: .average3x3, [InceptionConvolution(inChannels, poolChannels, kernel: 1)])
    }

    /// `[batch, in, 35, 35]` → `[batch, 224 + poolChannels, 35, 35]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.concatenate([branch1x1(input), branch5x5(input), branch3x3Double(input), branchPool(input)], alongAxis: 1)
    }
}
