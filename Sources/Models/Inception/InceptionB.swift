import Autograd
import NN

/// Inception-v3's 35→17 grid reduction (`Mixed_6a`; Szegedy et al. 2016, Fig. 10): strided
/// towers and a max pool concatenated along channels,
///
///     [conv3×3,s2(x) | 3×3,s2(3×3(1×1(x))) | maxpool3×3,s2(x)]
///     384             96                    in
///
/// keys `conv`, `tower.conv{,_1,_2}` (the pool has no weights).
public struct InceptionB: Module {
    @Key("conv") public var branch3x3: InceptionConvolution
    @Key("tower") public var branch3x3Double: InceptionTower

    public init(inChannels: Int) {
        branch3x3 = InceptionConvolution(inChannels, 384, kernel: 3, stride: 2)
        branch3x3Double = InceptionTower([InceptionConvolution(inChannels, 64, kernel: 1), InceptionConvolution(64, 96, kernel: 3, padding: 1),
                                          InceptionConvolution(96, 96, kernel: 3, stride: 2)])
    }

    /// `[batch, in, 35, 35]` → `[batch, 480 + in, 17, 17]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.concatenate([branch3x3(input), branch3x3Double(input), InceptionPooling.max3x3Stride2(input)], alongAxis: 1)
    }
}
