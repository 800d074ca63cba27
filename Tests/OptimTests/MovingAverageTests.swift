import NN
import Optim
import Tensor
import Testing

/// The exponential moving average of weights: θ̄ ← d·θ̄ + (1 − d)·θ for trainable parameters,
/// buffers copied, the warm-up decays, evaluation with the averaged weights, and restoring a
/// saved state.
@Suite struct MovingAverageTests {
    @Test func averagesTrainableParametersAndCopiesBuffers() throws {
        let weight = Parameter(Tensor(shape: [2], scalars: [0, 10]))
        let buffer = Parameter(Tensor(shape: [1], scalars: [5]), isTrainable: false)
        let average = ExponentialMovingAverage(namedParameters: [("weight", weight), ("buffer", buffer)], decay: 0.5)
        weight.value = Tensor(shape: [2], scalars: [4, 2])
        buffer.value = Tensor(shape: [1], scalars: [7])
        average.update()
        #expect(average.averagedValues["weight"]?.scalars == [2, 6])
        #expect(average.averagedValues["buffer"]?.scalars == [7])
        weight.value = Tensor(shape: [2], scalars: [6, 6])
        average.update()
        #expect(average.averagedValues["weight"]?.scalars == [4, 6])
        #expect(average.updateCount == 2)
    }

    @Test func warmupLowersTheEarlyDecay() {
        let parameter = Parameter(Tensor(zeros: [1]))
        let counted = ExponentialMovingAverage(namedParameters: [("p", parameter)], decay: 0.999, warmup: .updateCount)
        #expect(counted.decay(atUpdate: 0) == 0.1)
        #expect(counted.decay(atUpdate: 10) == Float(11) / 20)
        #expect(counted.decay(atUpdate: 100_000) == 0.999)
        let powered = ExponentialMovingAverage(namedParameters: [("p", parameter)], decay: 0.9999,
                                               warmup: .power(inverseGamma: 1, power: 0.75))
        #expect(powered.decay(atUpdate: 0) == 0)
        #expect(abs(powered.decay(atUpdate: 15) - (1 - 1 / 8)) < 1e-6)   // 1 − 16^(−3/4)
        #expect(ExponentialMovingAverage(namedParameters: [("p", parameter)], decay: 0.99).decay(atUpdate: 0) == 0.99)
    }

    @Test func evaluatesWithTheAveragedWeightsAndRestoresTheLiveOnes() throws {
        let weight = Parameter(Tensor(shape: [1], scalars: [1]))
        let average = ExponentialMovingAverage(namedParameters: [("w", weight)], decay: 0.75)
        weight.value = Tensor(shape: [1], scalars: [5])
        average.update()   // 0.75·1 + 0.25·5 = 2
        let seen = average.withAveragedWeights { weight.value.item }
        #expect(seen == 2)
        #expect(weight.value.item == 5)
        // Into a separate evaluation copy, by name.
        let copy = Linear(inFeatures: 1, outFeatures: 1, bias: false)
        let named = ExponentialMovingAverage(namedParameters: [("weight", Parameter(Tensor(shape: [1, 1], scalars: [3])))], decay: 0.5)
        try named.copyAverages(into: copy)
        #expect(copy.weight.value.scalars == [3])
        let wrong = ExponentialMovingAverage(namedParameters: [("bias", weight)], decay: 0.5)
        #expect(throws: MovingAverageError.self) { try wrong.copyAverages(into: copy) }
    }

    @Test func restoresASavedStateAndRejectsAMismatch() throws {
        let weight = Parameter(Tensor(shape: [2], scalars: [1, 2]))
        let average = ExponentialMovingAverage(namedParameters: [("w", weight)], decay: 0.9)
        try average.restore(updateCount: 7, averages: ["w": Tensor(shape: [2], scalars: [3, 4])])
        #expect(average.updateCount == 7 && average.averagedValues["w"]?.scalars == [3, 4])
        #expect(throws: MovingAverageError.mismatch(name: "w", reason: "missing from the saved state")) {
            try average.restore(updateCount: 1, averages: [:])
        }
        #expect(throws: MovingAverageError.mismatch(name: "w", reason: "saved shape [3] instead of [2]")) {
            try average.restore(updateCount: 1, averages: ["w": Tensor(zeros: [3])])
        }
        #expect(throws: MovingAverageError.mismatch(name: "x", reason: "saved but not averaged")) {
            try average.restore(updateCount: 1, averages: ["w": Tensor(zeros: [2]), "x": Tensor(zeros: [1])])
        }
    }
}
