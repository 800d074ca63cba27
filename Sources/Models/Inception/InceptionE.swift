import Autograd
import NN

/// Inception-v3's 8×8 block with expanded filter banks (`Mixed_7b`, `Mixed_7c`; Szegedy et al.
/// 2016, Fig. 7): the 3×3 towers split into parallel 1×3 and 3×1 convolutions,
///
///     a = 1×1(x)                 b = 3×3(1×1(x))
///     [conv1×1(x) | 1×3(a) | 3×1(a) | 1×3(b) | 3×1(b) | 1×1(pool3×3(x))]
///     320           384      384      384      384      192
///
/// keys as in the TorchScript (`conv`, `tower_conv`, `tower_mixed_conv{,_1}`, `tower_1_conv{,_1}`,
/// `tower_1_mixed_conv{,_1}`, `tower_2_conv`). The pool is an average in `Mixed_7b` and, in the
/// FID network (as in TensorFlow's 2015 graph), a max in `Mixed_7c`.
public struct InceptionE: Module {
    public let pooling: InceptionPooling
    @Key("conv") public var branch1x1: InceptionConvolution
    @Key("tower_conv") public var branch3x3: InceptionConvolution
    @Key("tower_mixed_conv") public var branch3x3Row: InceptionConvolution
    @Key("tower_mixed_conv_1") public var branch3x3Column: InceptionConvolution
    @Key("tower_1_conv") public var branch3x3DoubleReduce: InceptionConvolution
    @Key("tower_1_conv_1") public var branch3x3Double: InceptionConvolution
    @Key("tower_1_mixed_conv") public var branch3x3DoubleRow: InceptionConvolution
    @Key("tower_1_mixed_conv_1") public var branch3x3DoubleColumn: InceptionConvolution
    @Key("tower_2_conv") public var branchPool: InceptionConvolution

    public init(inChannels: Int, pooling: InceptionPooling) {
        self.pooling = pooling
        let row = (height: 1, width: 3), column = (height: 3, width: 1)
        branch1x1 = InceptionConvolution(inChannels, 320, kernel: 1)
        branch3x3 = InceptionConvolution(inChannels, 384, kernel: 1)
        branch3x3Row = InceptionConvolution(384, 384, kernel: row, padding: (0, 1))
        branch3x3Column = InceptionConvolution(384, 384, kernel: column, padding: (1, 0))
        branch3x3DoubleReduce = InceptionConvolution(inChannels, 448, kernel: 1)
        branch3x3Double = InceptionConvolution(448, 384, kernel: 3, padding: 1)
        branch3x3DoubleRow = InceptionConvolution(384, 384, kernel: row, padding: (0, 1))
        branch3x3DoubleColumn = InceptionConvolution(384, 384, kernel: column, padding: (1, 0))
        branchPool = InceptionConvolution(inChannels, 192, kernel: 1)
    }

    /// `[batch, in, 8, 8]` → `[batch, 2048, 8, 8]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        let reduced = branch3x3(input)                                  // [batch, 384, 8, 8]
        let doubled = branch3x3Double(branch3x3DoubleReduce(input))     // [batch, 384, 8, 8]
        return Variable.concatenate([
            branch1x1(input), branch3x3Row(reduced), branch3x3Column(reduced),
            branch3x3DoubleRow(doubled), branch3x3DoubleColumn(doubled), branchPool(pooling(input)),
        ], alongAxis: 1)                                                // [batch, 2048, 8, 8]
    }
}
