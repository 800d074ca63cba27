import Autograd
import NN
import Tensor
import Testing

/// The backward rules of GroupNorm, upsampling, LeakyReLU, dropout, the LSTM cell, ROI-align and
/// the MSE and Gaussian-KL losses against central finite differences: norm-wise relative error
/// ≤ 1e-3, as for every other rule (`GradientCheckTests`).
@Suite struct LayerGradientCheckTests {
    @Test func groupNormalization() {
        expectGradients(GradientCheck.inputs([[2, 6, 3, 4], [6], [6]], seed: 31)) {
            $0[0].groupNorm(groups: 3, weight: $0[1], bias: $0[2])
        }
        expectGradients(GradientCheck.inputs([[3, 4, 5]], seed: 32)) { $0[0].groupNorm(groups: 2, weight: nil, bias: nil) }
        // One group is layer normalisation over channels and positions; one channel per group is instance normalisation.
        expectGradients(GradientCheck.inputs([[2, 4, 3, 3], [4], [4]], seed: 33)) {
            $0[0].groupNorm(groups: 4, weight: $0[1], bias: $0[2], epsilon: 1e-3)
        }
    }

    @Test func upsampling() {
        let input = GradientCheck.inputs([[2, 2, 3, 4]], seed: 34)
        for mode in [UpsamplingMode.nearest, .bilinear(alignCorners: false), .bilinear(alignCorners: true)] {
            expectGradients(input) { $0[0].upsampled(scale: 2, mode: mode) }
            expectGradients(input) { $0[0].upsampled(height: 5, width: 7, mode: mode) }
            expectGradients(input) { $0[0].upsampled(height: 2, width: 3, mode: mode) }
        }
    }

    @Test func leakyReLU() {
        let input = GradientCheck.inputsAwayFromZero([4, 9], margin: 0.1, seed: 35)
        expectGradients([input]) { $0[0].leakyReLU(negativeSlope: 0.2) }
        expectGradients([input]) { $0[0].leakyReLU(negativeSlope: 0.01) }
    }

    @Test func dropoutWithAFixedMask() {
        var generator = CounterBasedGenerator(seed: 36)
        let mask = Tensor.dropoutKeepMask([5, 6], probability: 0.4, generator: &generator)
        expectGradients(GradientCheck.inputs([[5, 6]], seed: 36)) { $0[0].droppedOut(keepMask: mask, probability: 0.4) }
    }

    @Test func lstmCell() {
        let inputs = GradientCheck.inputs([[3, 5], [3, 4], [3, 4], [16, 5], [16, 4], [16], [16]], seed: 37, spread: 0.7)
        expectGradients(inputs) { v in
            let (hidden, cell) = Variable.lstmCell(input: v[0], hidden: v[1], cell: v[2], weightInput: v[3], weightHidden: v[4],
                                                   biasInput: v[5], biasHidden: v[6])
            return Variable.concatenate([hidden, cell * 0.5], alongAxis: 1)
        }
        expectGradients(Array(inputs.prefix(5))) { v in
            Variable.lstmCell(input: v[0], hidden: v[1], cell: v[2], weightInput: v[3], weightHidden: v[4],
                              biasInput: nil, biasHidden: nil).hidden
        }
    }

    @Test func roiAlign() {
        let features = GradientCheck.inputs([[2, 3, 8, 9]], seed: 38)
        let regions = Tensor(shape: [4, 5], scalars: [0, 1.2, 0.7, 12.5, 9.9,
                                                      1, 3.3, 4.1, 17.6, 15.2,
                                                      1, -2.4, -1.5, 5.3, 4.4,
                                                      0, 14.1, 11.2, 19.8, 17.7])
        for geometry in [ROIAlignGeometry(outputHeight: 2, outputWidth: 3, spatialScale: 0.5, samplingRatio: 2),
                         ROIAlignGeometry(outputHeight: 3, outputWidth: 2, spatialScale: 0.5, samplingRatio: -1),
                         ROIAlignGeometry(outputHeight: 2, outputWidth: 2, spatialScale: 0.5, samplingRatio: 1, aligned: false)] {
            expectGradients(features) { $0[0].roiAlign(regions: regions, geometry: geometry) }
        }
    }

    @Test func regressionAndDivergenceLosses() {
        expectGradients(GradientCheck.inputs([[4, 5], [4, 5]], seed: 39)) { Losses.meanSquaredError(prediction: $0[0], target: $0[1]) }
        expectGradients(GradientCheck.inputs([[4, 5], [4, 5]], seed: 40)) {
            Losses.meanSquaredError(prediction: $0[0], target: $0[1], reduction: .sum)
        }
        for reduction in LossReduction.allCases {
            expectGradients(GradientCheck.inputs([[3, 6], [3, 6]], seed: 41)) {
                Losses.gaussianKLToStandardNormal(mean: $0[0], logVariance: $0[1], reduction: reduction)
            }
        }
    }
}
