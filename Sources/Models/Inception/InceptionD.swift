import Autograd
import NN

/// Inception-v3's 17→8 grid reduction (`Mixed_7a`; Szegedy et al. 2016, Fig. 10): two strided
/// towers and a max pool concatenated along channels,
///
///     [3×3,s2(1×1(x)) | 3×3,s2(7×1(1×7(1×1(x)))) | maxpool3×3,s2(x)]
///     320              192                          in
///
/// keys `tower.conv{,_1}`, `tower_1.conv{,_1,_2,_3}`.
public struct InceptionD: Module {
    @Key("tower") public var branch3x3: InceptionTower
    @Key("tower_1") public var branch7x7x3: InceptionTower

    public init(inChannels: Int) {
        branch3x3 = InceptionTower([InceptionConvolution(inChannels, 192, kernel: 1), InceptionConvolution(192, 320, kernel: 3, stride: 2)])
        branch7x7x3 = InceptionTower([
            InceptionConvolution(inChannels, 192, kernel: 1),
            InceptionConvolution(192, 192, kernel: (1, 7), padding: (0, 3)),
            InceptionConvolution(192, 192, kernel: (7, 1), padding: (3, 0)),
            InceptionConvolution(192, 192, kernel: 3, stride: 2),
        ])
    }

    /// `[batch, 768, 17, 17]` → `[batch, 1280, 8, 8]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.concatenate([branch3x3(input), branch7x7x3(input), InceptionPooling.max3x3Stride2(input)], alongAxis: 1)
    }
}
