import Autograd
import NN
import Tensor
import Testing

/// Every operation with a backward rule against central finite differences (Float32 forward,
/// Double loss accumulation): norm-wise relative error ≤ 1e-3.
@Suite struct GradientCheckTests {
    @Test func arithmeticWithBroadcasting() {
        let positive = GradientCheck.inputs([[3, 1]], seed: 4)[0].abs() + 0.5
        expectGradients(GradientCheck.inputs([[2, 3, 4], [3, 1]])) { $0[0] + $0[1] }
        expectGradients(GradientCheck.inputs([[4, 1], [2, 1, 3]])) { $0[0] - $0[1] }
        expectGradients(GradientCheck.inputs([[2, 3, 4], [4]])) { $0[0] * $0[1] }
        expectGradients(GradientCheck.inputs([[2, 3, 4]]) + [positive]) { $0[0] / $0[1] }
        expectGradients(GradientCheck.inputs([[5]])) { 3 - (-$0[0] * 2 + 1) / 4 }
    }

    @Test func matrixProducts() {
        expectGradients(GradientCheck.inputs([[2, 3, 4, 5], [2, 3, 5, 6]])) { Variable.matmul($0[0], $0[1]) }
        expectGradients(GradientCheck.inputs([[2, 4, 5], [5, 6]])) { Variable.matmul($0[0], $0[1]) }
        expectGradients(GradientCheck.inputs([[2, 4, 5], [6, 5]])) { Variable.matmul($0[0], $0[1], transposeB: true) }
        expectGradients(GradientCheck.inputs([[3, 5, 4], [3, 6, 5]])) {
            Variable.matmul($0[0], $0[1], transposeA: true, transposeB: true)
        }
        expectGradients(GradientCheck.inputs([[3, 5, 4], [3, 5, 6]])) { Variable.matmul($0[0], $0[1], transposeA: true) }
        expectGradients(GradientCheck.inputs([[2, 3, 5], [4, 5], [4]])) { Variable.linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func reductions() {
        expectGradients(GradientCheck.inputs([[2, 3, 4]])) { $0[0].sum(alongAxis: 1) }
        expectGradients(GradientCheck.inputs([[2, 3, 4]])) { $0[0].mean(alongAxis: -1, keepingDimension: true) }
        expectGradients(GradientCheck.inputs([[2, 3, 4]])) { $0[0].mean() }
    }

    @Test func shapeOperations() {
        expectGradients(GradientCheck.inputs([[2, 3, 4, 5]])) { $0[0].permuted([2, 0, 3, 1]) }
        expectGradients(GradientCheck.inputs([[2, 3, 4]])) { $0[0].transposed().reshaped([4, -1]) }
        expectGradients(GradientCheck.inputs([[2, 3, 4], [2, 2, 4]])) { Variable.concatenate($0, alongAxis: 1) }
        expectGradients(GradientCheck.inputs([[2, 5, 3]])) { input in
            let pieces = input[0].split(sizes: [2, 3], alongAxis: 1)
            return pieces[1].narrowed(alongAxis: 1, start: 1, length: 2) * 2 + pieces[0]
        }
        expectGradients(GradientCheck.inputs([[10, 4]])) { Variable.gather(rowsOf: $0[0], indices: [3, 1, 3, 7, 0]) }
    }

    @Test func smoothActivations() {
        let input = GradientCheck.inputs([[4, 9]], spread: 2)
        expectGradients(input) { $0[0].gelu() }
        expectGradients(input) { $0[0].geluTanh() }
        expectGradients(input) { $0[0].quickGELU() }
        expectGradients(input) { $0[0].sigmoid() }
        expectGradients(input) { $0[0].tanh() }
        expectGradients(input) { $0[0].silu() }
        expectGradients(input) { $0[0].exp() }
        expectGradients(input) { $0[0].squared() }
        let positive = [input[0].abs() + 0.5]
        expectGradients(positive) { $0[0].log() }
        expectGradients(positive) { $0[0].sqrt() }
    }

    @Test func piecewiseLinearActivations() {
        // Inputs stay 0.1 away from the kinks at 0 and 6, farther than ε.
        let input = GradientCheck.inputsAwayFromZero([4, 9], margin: 0.1) * 3
        let awayFromSix = input.map { Swift.abs($0 - 6) < 0.1 ? $0 + 0.3 : $0 }
        expectGradients([input]) { $0[0].relu() }
        expectGradients([awayFromSix]) { $0[0].relu6() }
    }

    @Test func softmaxFamily() {
        let input = GradientCheck.inputs([[3, 7]], spread: 2)
        expectGradients(input) { $0[0].softmax() }
        expectGradients(input) { $0[0].logSoftmax() }
    }

    @Test func normalization() {
        expectGradients(GradientCheck.inputs([[2, 3, 16], [16], [16]])) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        expectGradients(GradientCheck.inputs([[4, 8]])) { $0[0].layerNorm(weight: nil, bias: nil) }
        // Enough rows for ∂γ and ∂β to be summed from several blocks.
        expectGradients(GradientCheck.inputs([[37, 6], [6], [6]])) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        var generator = SeededGenerator(seed: 9)
        let mean = Tensor.randomNormal([3], generator: &generator)
        let variance = Tensor.randomNormal([3], generator: &generator).abs() + 0.5
        expectGradients(GradientCheck.inputs([[2, 3, 4, 4], [3], [3]])) {
            $0[0].batchNorm(runningMean: mean, runningVariance: variance, weight: $0[1], bias: $0[2])
        }
    }

    @Test func convolutions() {
        let strided = Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        expectGradients(GradientCheck.inputs([[2, 3, 7, 7], [4, 3, 3, 3], [4]])) {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: strided)
        }
        expectGradients(GradientCheck.inputs([[1, 4, 6, 6], [6, 2, 3, 3]])) {
            Variable.conv2d($0[0], weight: $0[1], bias: nil, geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)), groups: 2)
        }
        expectGradients(GradientCheck.inputs([[2, 4, 6, 6], [4, 1, 3, 3], [4]])) {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: strided, groups: 4)
        }
        expectGradients(GradientCheck.inputs([[1, 2, 7, 6], [3, 2, 3, 3]])) {
            Variable.conv2d($0[0], weight: $0[1], bias: nil,
                            geometry: Convolution2DGeometry(kernel: (3, 3), padding: (2, 2), dilation: (2, 2)))
        }
        expectGradients(GradientCheck.inputs([[2, 5, 3, 3], [3, 5, 1, 1], [3]])) {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: Convolution2DGeometry(kernel: (1, 1)))
        }
        // 400 positions, batch 3: images unfolded two to a product, then a last chunk of one.
        expectGradients(GradientCheck.inputs([[3, 2, 20, 20], [3, 2, 3, 3], [3]])) {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)))
        }
        // 16 channels in and out, stride 1: the training path by Winograd's filtering (`WinogradTraining`).
        let winograd = GradientCheck.inputs([[2, 16, 5, 5], [16, 16, 3, 3], [16]])
        #expect(WinogradTraining.transform(inputShape: winograd[0].shape, weightShape: winograd[1].shape,
                                           geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)), groups: 1) != nil)
        expectGradients(winograd) {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)))
        }
    }

    @Test func asymmetricPadding() {
        let padding = SpatialPadding.same(height: 7, width: 6, kernel: 3, stride: 2)
        #expect(padding == SpatialPadding(top: 1, bottom: 1, left: 0, right: 1))
        expectGradients(GradientCheck.inputs([[2, 3, 7, 6]])) { $0[0].padded(padding) * $0[0].padded(padding) }
    }

    @Test func pooling() {
        // Distinct values spaced well beyond ε keep every max-pool winner stable under perturbation.
        let count = 2 * 3 * 7 * 7
        var generator = SeededGenerator(seed: 5)
        let spaced = (0..<count).map { Float($0) * 0.05 }.shuffled(using: &generator)
        let geometry = Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        expectGradients([Tensor(shape: [2, 3, 7, 7], scalars: spaced)]) { $0[0].maxPool2d(geometry: geometry) }
        let input = GradientCheck.inputs([[2, 3, 7, 7]])
        expectGradients(input) { $0[0].averagePool2d(geometry: geometry) }
        expectGradients(input) { $0[0].averagePool2d(geometry: geometry, countIncludingPadding: false) }
        expectGradients(input) { $0[0].globalAveragePool() }
    }

    @Test func attentionWithCausalMask() {
        expectGradients(GradientCheck.inputs([[2, 2, 5, 4], [2, 2, 5, 4], [2, 2, 5, 3]])) {
            Variable.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], mask: Tensor.causalMask(size: 5))
        }
    }
}

/// The composite training losses against finite differences as well.
@Suite struct LossGradientCheckTests {
    @Test func losses() {
        expectGradients(GradientCheck.inputs([[4, 6]], spread: 2)) { Losses.crossEntropy(logits: $0[0], targets: [1, 5, 0, 1]) }
        expectGradients(GradientCheck.inputs([[5, 8], [5, 8], [1]])) {
            Losses.clip(imageEmbeddings: $0[0], textEmbeddings: $0[1], logScale: $0[2])
        }
        expectGradients(GradientCheck.inputs([[6, 5], [6, 5], [6, 5]])) {
            Losses.triplet(anchor: $0[0], positive: $0[1], negative: $0[2], margin: 4, distance: .squaredEuclidean)
        }
        let sigmoidInputs = GradientCheck.inputs([[6, 8], [6, 8], [6, 8]]).map { $0.sigmoid() }
        expectGradients(sigmoidInputs) { Losses.losslessTriplet(anchor: $0[0], positive: $0[1], negative: $0[2]) }
    }
}

/// The checker itself must catch a wrong rule.
@Suite struct GradientCheckSelfTests {
    @Test func detectsAWrongBackwardRule() {
        let input = GradientCheck.inputs([[3, 4]])
        let errors = GradientCheck.relativeErrors(input) { variables in
            let x = variables[0]
            // exp with a deliberately wrong derivative (2·eˣ).
            return Variable(x.value.exp(), operation: "wrong exp", inputs: [x]) { [$0 * x.value.exp() * 2] }
        }
        #expect(errors[0] > 0.3)
    }
}

/// Training-mode batch normalisation differentiates through the batch mean and variance.
@Suite struct BatchNormTrainingGradientTests {
    @Test func gradientsMatchFiniteDifferences() {
        let inputs = GradientCheck.inputs([[4, 3, 3, 3], [3], [3]], seed: 21)
        let weight = inputs[1].abs() + 0.5
        for (shapes, function) in [
            ([inputs[0], weight, inputs[2]], { (v: [Variable]) in v[0].batchNormTraining(weight: v[1], bias: v[2]).output }),
            ([inputs[0]], { (v: [Variable]) in v[0].batchNormTraining(weight: nil, bias: nil).output }),
        ] {
            let errors = GradientCheck.relativeErrors(shapes, epsilon: 1e-2, function)
            for (index, error) in errors.enumerated() { #expect(error <= 1e-3, "input \(index): relative error \(error)") }
        }
    }

    /// `batchNormTraining(rectified: true)` against `.relu()` after the plain one: output, input,
    /// weight and bias gradients within 1e-6 · max(1, max |unfused|).
    @Test func fusedReLUMatchesTheReLUAfterward() {
        var generator = SeededGenerator(seed: 31)
        let x = Tensor.randomNormal([4, 3, 5, 7], mean: 1, standardDeviation: 2, generator: &generator)
        let gamma = Tensor.randomNormal([3], generator: &generator), beta = Tensor.randomNormal([3], generator: &generator)
        let seed = Tensor.randomNormal([4, 3, 5, 7], generator: &generator)
        func run(fused: Bool) -> [Tensor] {
            let input = Variable(x, requiresGradient: true)
            let weight = Variable(gamma, requiresGradient: true), bias = Variable(beta, requiresGradient: true)
            let output = fused ? input.batchNormTraining(weight: weight, bias: bias, rectified: true).output
                               : input.batchNormTraining(weight: weight, bias: bias).output.relu()
            (output * Variable(seed)).sum().backward()
            return [output.value, input.gradient!, weight.gradient!, bias.gradient!]
        }
        let fused = run(fused: true), unfused = run(fused: false)
        #expect(fused[0].scalars.contains(0) && fused[0].scalars.contains { $0 > 0 })
        for (index, (actual, expected)) in zip(fused, unfused).enumerated() {
            let scale = max(1, expected.scalars.map(abs).max() ?? 0)
            #expect(actual.maxAbsoluteDifference(expected) <= 1e-6 * scale, "result \(index)")
        }
    }

    @Test func statisticsAreTheBiasedBatchMoments() {
        var generator = SeededGenerator(seed: 5)
        let input = Tensor.randomNormal([5, 2, 3, 4], mean: 2, standardDeviation: 3, generator: &generator)
        let (mean, variance) = input.channelStatistics()
        for channel in 0..<2 {
            var values: [Double] = []
            for image in 0..<5 { for index in 0..<12 { values.append(Double(input.pointer[(image * 2 + channel) * 12 + index])) } }
            let expectedMean = values.reduce(0, +) / Double(values.count)
            let expectedVariance = values.map { ($0 - expectedMean) * ($0 - expectedMean) }.reduce(0, +) / Double(values.count)
            #expect(abs(Double(mean[channel]) - expectedMean) < 1e-5)
            #expect(abs(Double(variance[channel]) - expectedVariance) < 1e-4)
        }
    }
}
