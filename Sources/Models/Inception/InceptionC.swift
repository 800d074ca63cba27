import Autograd
import NN

/// Inception-v3's 17×17 block with factorised 7×7 convolutions (`Mixed_6b`–`Mixed_6e`; Szegedy
/// et al. 2016, Fig. 6): four 192-channel towers concatenated along channels,
///
///     [conv1×1(x) | 7×1(1×7(1×1(x))) | 1×7(7×1(1×7(7×1(1×1(x))))) | 1×1(avgpool3×3(x))]
///
/// where the inner towers are `middleChannels` wide; keys `conv`, `tower.conv{,_1,_2}`,
/// `tower_1.conv{,_1,…,_4}`, `tower_2.conv`.
public struct InceptionC: Module {
    @Key("conv") public var branch1x1: InceptionConvolution
    @Key("tower") public var branch7x7: InceptionTower
    @Key("tower_1") public var branch7x7Double: InceptionTower
    @Key("tower_2") public var branchPool: InceptionTower

    public init(inChannels: Int, middleChannels width: Int) {
        let row = (height: 1, width: 7), column = (height: 7, width: 1)
        let rowPadding = (height: 0, width: 3), columnPadding = (height: 3, width: 0)
        branch1x1 = InceptionConvolution(inChannels, 192, kernel: 1)
        branch7x7 = InceptionTower([
            InceptionConvolution(inChannels, width, kernel: 1),
            InceptionConvolution(width, width, kernel: row, padding: rowPadding),
            InceptionConvolution(width, 192, kernel: column, padding: columnPadding),
        ])
        branch7x7Double = InceptionTower([
            InceptionConvolution(inChannels, width, kernel: 1),
            InceptionConvolution(width, width, kernel: column, padding: columnPadding),
            InceptionConvolution(width, width, kernel: row, padding: rowPadding),
            InceptionConvolution(width, width, kernel: column, padding: columnPadding),
            InceptionConvolution(width, 192, kernel: row, padding: rowPadding),
        ])
        branchPool = InceptionTower(pooling: .average3x3, [InceptionConvolution(inChannels, 192, kernel: 1)])
    }

    /// `[batch, 768, 17, 17]` → `[batch, 768, 17, 17]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.concatenate([branch1x1(input), branch7x7(input), branch7x7Double(input), branchPool(input)], alongAxis: 1)
    }
}
