import Tensor
import Testing

@Suite struct TensorLayoutTests {
    let sequence = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

    @Test func reshapeAndSliceAreViews() {
        let reshaped = sequence.reshaped([6, -1])
        #expect(reshaped.shape == [6, 4])
        #expect(reshaped.storage === sequence.storage)
        let slice = sequence.slice(1..<2)
        #expect(slice.storage === sequence.storage)
        #expect(slice.shape == [1, 3, 4] && slice.scalars.first == 12)
        #expect(sequence[1][2].scalars == [20, 21, 22, 23])
        #expect(sequence[indices: 1, 2, 3] == 23)
    }

    @Test func mutationCopiesSharedStorage() {
        var view = sequence.reshaped([24])
        view.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(view.scalars[0] == 100)
        #expect(sequence.scalars[0] == 0)
    }

    @Test func permuteMovesEveryElement() {
        let permuted = sequence.permuted([2, 0, 1])  // [4, 2, 3]
        #expect(permuted.shape == [4, 2, 3])
        for a in 0..<2 { for b in 0..<3 { for c in 0..<4 {
            #expect(permuted[indices: c, a, b] == sequence[indices: a, b, c])
        } } }
        #expect(sequence.transposed().shape == [2, 4, 3])
        #expect(sequence.transposed()[indices: 1, 3, 2] == sequence[indices: 1, 2, 3])
    }

    @Test func concatenateSplitRoundTrip() {
        let pieces = sequence.split(sizes: [1, 2], alongAxis: 1)
        #expect(pieces.map(\.shape) == [[2, 1, 4], [2, 2, 4]])
        #expect(pieces[1][indices: 1, 0, 0] == 16)
        let joined = Tensor.concatenate(pieces, alongAxis: 1)
        #expect(joined.scalars == sequence.scalars)
        #expect(sequence.narrowed(alongAxis: 2, start: 1, length: 2).scalars.prefix(4) == [1, 2, 5, 6])
    }

    @Test func generalBroadcasting() {
        let a = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [4, 1], scalars: [10, 20, 30, 40])
        let sum = a + b
        #expect(sum.shape == [2, 4, 3])
        #expect(sum[indices: 1, 2, 0] == 4 + 30)
        #expect(sum[indices: 0, 3, 2] == 3 + 40)
        #expect((a * 2 - 1).scalars == [1, 3, 5, 7, 9, 11])
        let expected: [Float] = [81, 141, 201, 261]  // Σa + 6·b for each row of b
        #expect(sum.sumToShape([4, 1]).scalars == expected)
    }

    /// The row-wise broadcast paths (`BroadcastRows`) against element-by-element indexing, for
    /// every way two rank-≤4 operands can broadcast: one side full, both partial, size-1 axes,
    /// leading axes missing, large enough to run on several threads, and empty.
    @Test func broadcastingMatchesElementwiseIndexing() {
        let pairs: [([Int], [Int])] = [
            ([2, 3, 4, 5], [2, 3, 1, 1]), ([2, 3, 4, 5], [1, 3, 1, 1]), ([2, 3, 4, 5], [3, 1, 5]), ([2, 3, 1, 5], [1, 1, 4, 1]),
            ([6, 1], [1, 7]), ([1, 7], [6, 1]), ([4, 9], [4, 1]), ([4, 1], [4, 9]), ([3, 1, 2], [1, 4, 1]),
            ([5], [2, 1, 5]), ([2, 1, 5], [5]), ([1, 1, 3], [2, 2, 1]), ([8, 64, 32, 32], [8, 64, 1, 1]),
            ([96, 77, 77], [96, 77, 1]), ([3, 0, 2], [3, 1, 2]),
        ]
        var generator = SeededGenerator(seed: 4)
        for (shapeA, shapeB) in pairs {
            let a = Tensor.randomNormal(shapeA, generator: &generator), b = Tensor.randomNormal(shapeB, generator: &generator)
            let shape = Broadcasting.shape(shapeA, shapeB)
            let (difference, quotient) = (a - b, Tensor.zipWith(a, b) { $0 / $1 })
            #expect(difference.shape == shape && quotient.shape == shape, "\(shapeA) with \(shapeB)")
            let count = shape.reduce(1, *)
            let (scalarsA, scalarsB) = (a.scalars, b.scalars)
            let (differences, quotients) = (difference.scalars, quotient.scalars)
            func offset(_ index: [Int], in operandShape: [Int]) -> Int {
                var offset = 0
                for (axis, size) in operandShape.enumerated() {
                    offset = offset * size + (size == 1 ? 0 : index[index.count - operandShape.count + axis])
                }
                return offset
            }
            var mismatches = 0
            for flat in 0..<count {
                var remaining = flat, index = [Int](repeating: 0, count: shape.count)
                for axis in shape.indices.reversed() {
                    index[axis] = remaining % shape[axis]
                    remaining /= shape[axis]
                }
                let (x, y) = (scalarsA[offset(index, in: shapeA)], scalarsB[offset(index, in: shapeB)])
                if differences[flat] != x - y || quotients[flat] != x / y { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(shapeA) with \(shapeB): \(mismatches) of \(count) elements differ")
        }
    }

    @Test func reductions() {
        #expect(sequence.sum(alongAxis: 1).scalars == [12, 15, 18, 21, 48, 51, 54, 57])
        #expect(sequence.max(alongAxis: 2).scalars == [3, 7, 11, 15, 19, 23])
        #expect(sequence.mean(alongAxis: 0, keepingDimension: true).shape == [1, 3, 4])
        #expect(sequence.sum() == 276)
        #expect(sequence.reshaped([6, 4]).argmaxLastAxis() == [3, 3, 3, 3, 3, 3])
    }

    @Test func gatherAndScatter() {
        let table = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let rows = Tensor.gather(rowsOf: table, indices: [2, 0, 2])
        #expect(rows.scalars == [20, 21, 0, 1, 20, 21])
        #expect(rows.scatterAddRows(indices: [2, 0, 2], vocabulary: 3).scalars == [0, 1, 0, 0, 40, 42])
    }

    @Test func softmaxHandlesMaskedPositions() {
        let scores = Tensor(shape: [2, 3], scalars: [0, -.infinity, 0, -.infinity, -.infinity, -.infinity])
        let probabilities = scores.softmax().scalars
        #expect(probabilities == [0.5, 0, 0.5, 0, 0, 0])
        #expect(Tensor.causalMask(size: 3).scalars == [0, -.infinity, -.infinity, 0, 0, -.infinity, 0, 0, 0])
    }
}
