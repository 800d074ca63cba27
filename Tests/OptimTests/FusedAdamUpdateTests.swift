import Foundation
@testable import Optim
import Tensor
import Testing

/// The one-pass Adam/AdamW update (`AdamUpdate`) against the same step written with whole-tensor
/// operations (the unfused form), over several steps of random gradients in both weight-decay modes:
/// parameters and both moments agree to 1e-7.
@Suite struct FusedAdamUpdateTests {
    /// One unfused step: returns (θ, m, v).
    func unfused(value: Tensor, gradient: Tensor, first: Tensor, second: Tensor, learningRate: Float, weightDecay: Float,
                 decoupled: Bool, beta1: Float, beta2: Float, epsilon: Float, step: Int) -> (Tensor, Tensor, Tensor) {
        var value = value, gradient = gradient
        if decoupled { value = value * (1 - learningRate * weightDecay) } else { gradient = gradient + value * weightDecay }
        let newFirst = first * beta1 + gradient * (1 - beta1)
        let newSecond = second * beta2 + gradient.squared() * (1 - beta2)
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        let denominator = (newSecond * (1 / correction2)).sqrt() + epsilon
        return (value - newFirst / denominator * (learningRate / correction1), newFirst, newSecond)
    }

    @Test(arguments: [true, false]) func matchesTheUnfusedStep(decoupled: Bool) {
        var generator = SeededGenerator(seed: 5)
        let shape = [70_001]  // above the parallel threshold, odd
        var value = Tensor.randomNormal(shape, generator: &generator)
        var expectedValue = value
        var first = Tensor(zeros: shape), second = Tensor(zeros: shape)
        var expectedFirst = first, expectedSecond = second
        let (beta1, beta2, epsilon, learningRate, weightDecay): (Float, Float, Float, Float, Float) = (0.9, 0.98, 1e-6, 0.01, 0.2)
        for step in 1...4 {
            let gradient = Tensor.randomNormal(shape, standardDeviation: 0.1, generator: &generator)
            let update = AdamUpdate(beta1: beta1, beta2: beta2, epsilon: epsilon, learningRate: learningRate, weightDecay: weightDecay,
                                    decoupled: decoupled, correction1: 1 - pow(beta1, Float(step)),
                                    correction2: 1 - pow(beta2, Float(step)))
            value = update.apply(value: value, gradient: gradient, first: &first, second: &second)
            (expectedValue, expectedFirst, expectedSecond) = unfused(
                value: expectedValue, gradient: gradient, first: expectedFirst, second: expectedSecond, learningRate: learningRate,
                weightDecay: weightDecay, decoupled: decoupled, beta1: beta1, beta2: beta2, epsilon: epsilon, step: step)
            #expect(value.maxAbsoluteDifference(expectedValue) <= 1e-7, "θ after step \(step)")
            #expect(first.maxAbsoluteDifference(expectedFirst) <= 1e-7, "m after step \(step)")
            #expect(second.maxAbsoluteDifference(expectedSecond) <= 1e-7, "v after step \(step)")
        }
    }

    @Test func leavesSharedMomentStorageUntouched() {
        // A moment tensor the caller still holds (a saved optimiser state) is copied, not overwritten.
        let saved = Tensor(repeating: 0.5, shape: [8])
        var first = saved, second = saved
        let update = AdamUpdate(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, learningRate: 0.1, weightDecay: 0, decoupled: true,
                                correction1: 0.1, correction2: 0.001)
        _ = update.apply(value: Tensor(zeros: [8]), gradient: Tensor(repeating: 1, shape: [8]), first: &first, second: &second)
        #expect(saved.scalars.allSatisfy { $0 == 0.5 })
        #expect(first.scalars.allSatisfy { abs($0 - 0.55) < 1e-6 })
    }
}
