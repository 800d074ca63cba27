import Autograd
import Tensor
import Testing

@Suite struct LearningTests {
    /// A 2-8-1 tanh/sigmoid MLP trained by plain gradient descent on binary cross-entropy learns
    /// XOR, which no linear model can.
    @Test func multilayerPerceptronLearnsXOR() {
        var generator = SeededGenerator(seed: 42)
        let inputs = Variable(Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1]))
        let targets = Tensor(shape: [4, 1], scalars: [0, 1, 1, 0])
        var parameters = [
            Tensor.randomNormal([8, 2], standardDeviation: 1, generator: &generator),
            Tensor(zeros: [8]),
            Tensor.randomNormal([1, 8], standardDeviation: 1, generator: &generator),
            Tensor(zeros: [1]),
        ]
        func predict(_ weights: [Variable]) -> Variable {
            let hidden = Variable.linear(inputs, weight: weights[0], bias: weights[1]).tanh()
            return Variable.linear(hidden, weight: weights[2], bias: weights[3]).sigmoid()
        }
        var finalLoss: Float = .infinity
        for _ in 0..<2000 {
            let weights = parameters.map { Variable($0, requiresGradient: true) }
            let probability = predict(weights)
            let target = Variable(targets)
            // Binary cross-entropy −[t·log p + (1 − t)·log(1 − p)], averaged.
            let loss = -(target * (probability + 1e-7).log() + (1 - target) * ((1 - probability) + 1e-7).log()).mean()
            loss.backward()
            finalLoss = loss.value.item
            parameters = zip(parameters, weights).map { $0 - $1.gradient! * 0.5 }
        }
        let predictions = predict(parameters.map { Variable($0) }).value.scalars
        #expect(finalLoss < 0.05, "final loss \(finalLoss)")
        #expect(predictions[0] < 0.1 && predictions[3] < 0.1, "XOR(0,0), XOR(1,1) → \(predictions)")
        #expect(predictions[1] > 0.9 && predictions[2] > 0.9, "XOR(0,1), XOR(1,0) → \(predictions)")
    }
}
