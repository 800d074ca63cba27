import Tensor
import Testing

/// BLAS-backed products against a plain triple loop in Double.
@Suite struct MatrixMultiplyTests {
    func naive(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> [Float] {
        let batch = a.shape.dropLast(2).reduce(1, *)
        let a2 = transposeA ? a.transposed() : a, b2 = transposeB ? b.transposed() : b
        let (m, k, n) = (a2.shape[a2.rank - 2], a2.shape[a2.rank - 1], b2.shape[b2.rank - 1])
        let shared = b.rank == 2
        var result: [Float] = []
        for index in 0..<batch {
            for row in 0..<m {
                for column in 0..<n {
                    var total = 0.0
                    for inner in 0..<k {
                        let left = a2.pointer[index * m * k + row * k + inner]
                        let right = b2.pointer[(shared ? 0 : index * k * n) + inner * n + column]
                        total += Double(left) * Double(right)
                    }
                    result.append(Float(total))
                }
            }
        }
        return result
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedProductsMatchNaive(transposeA: Bool, transposeB: Bool) {
        var generator = SeededGenerator(seed: 3)
        let a = Tensor.randomNormal(transposeA ? [2, 3, 7, 5] : [2, 3, 5, 7], generator: &generator)
        let b = Tensor.randomNormal(transposeB ? [2, 3, 4, 7] : [2, 3, 7, 4], generator: &generator)
        let product = Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        #expect(product.shape == [2, 3, 5, 4])
        let expected = naive(a, b, transposeA: transposeA, transposeB: transposeB)
        #expect(zip(product.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }

    @Test func sharedRightOperandAndLinear() {
        var generator = SeededGenerator(seed: 4)
        let a = Tensor.randomNormal([3, 6, 8], generator: &generator)
        let weight = Tensor.randomNormal([5, 8], generator: &generator)
        let bias = Tensor(shape: [5], scalars: [1, 2, 3, 4, 5])
        let output = Tensor.linear(a, weight: weight, bias: bias)
        let expected = naive(a, weight, transposeA: false, transposeB: true)
        #expect(output.shape == [3, 6, 5])
        for (index, value) in output.scalars.enumerated() {
            #expect(abs(value - expected[index] - Float(index % 5 + 1)) <= 1e-5 * max(1, abs(value)))
        }
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let product = Tensor.matmul(Tensor(zeros: [3, 0]), Tensor(zeros: [0, 2]))
        #expect(product.shape == [3, 2] && product.scalars == [0, 0, 0, 0, 0, 0])
    }
}
