/// A broadcast binary operation's output read as rows, so that its kernels run over contiguous
/// runs instead of a table of per-element offsets.
///
/// Axes of size 1 are dropped, and adjacent axes are merged wherever both operands step through
/// them as one (contiguous in both, broadcast in both, or one of each in the same pattern): a
/// `[B, C, H, W]` output of `[B, C, H, W] + [B, C, 1, 1]` becomes `[B·C, H·W]` with strides
/// `[1, 0]` for the second operand. The last merged axis is a row; in it each operand is read
/// with stride 1 or 0 (a run or one repeated value), which is what `Tensor.combining` needs to
/// use its vectorised kernels. Row starts are found by odometer-free division, so rows can be
/// shared among threads.
@usableFromInline
struct BroadcastRows {
    /// Elements per row (the last merged axis).
    @usableFromInline let rowLength: Int
    /// Rows in the output.
    @usableFromInline let rowCount: Int
    /// Each operand's step along a row: 0 (broadcast) or 1.
    @usableFromInline let rowStrideA: Int
    @usableFromInline let rowStrideB: Int
    /// The merged axes before the row, outermost first, with each operand's element stride.
    @usableFromInline let outerShape: [Int]
    @usableFromInline let outerStridesA: [Int]
    @usableFromInline let outerStridesB: [Int]

    /// Rows of `shape` read from operands with the broadcast `stridesA` and `stridesB` (0 along
    /// broadcast axes; `Broadcasting.strides(of:broadcastTo:)`). `shape` holds no zero.
    @usableFromInline
    init(shape: [Int], stridesA: [Int], stridesB: [Int]) {
        var sizes: [Int] = [], stepsA: [Int] = [], stepsB: [Int] = []   // merged axes, innermost first
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if let size = sizes.last, let stepA = stepsA.last, let stepB = stepsB.last,
               stridesA[axis] == stepA * size, stridesB[axis] == stepB * size {
                sizes[sizes.count - 1] = size * shape[axis]
            } else {
                sizes.append(shape[axis])
                stepsA.append(stridesA[axis])
                stepsB.append(stridesB[axis])
            }
        }
        if sizes.isEmpty { (sizes, stepsA, stepsB) = ([1], [0], [0]) }
        // A row must be read with stride 0 or 1; a strided innermost axis becomes rows of one.
        if stepsA[0] > 1 || stepsB[0] > 1 {
            sizes.insert(1, at: 0)
            stepsA.insert(0, at: 0)
            stepsB.insert(0, at: 0)
        }
        rowLength = sizes[0]
        rowStrideA = stepsA[0]
        rowStrideB = stepsB[0]
        outerShape = sizes.dropFirst().reversed()
        outerStridesA = stepsA.dropFirst().reversed()
        outerStridesB = stepsB.dropFirst().reversed()
        rowCount = outerShape.reduce(1, *)
    }

    /// Where row `row` starts in each operand.
    @inlinable
    func start(ofRow row: Int) -> (a: Int, b: Int) {
        var remaining = row, offsetA = 0, offsetB = 0
        for axis in outerShape.indices.reversed() {
            let size = outerShape[axis]
            let index = remaining % size
            remaining /= size
            offsetA += index * outerStridesA[axis]
            offsetB += index * outerStridesB[axis]
        }
        return (offsetA, offsetB)
    }
}
