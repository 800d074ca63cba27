import Autograd
import Generation
import NN
import Tensor
import TestSupport
import Testing

/// Multi-image aggregation (the seed paper's §3.4–3.5): shapes of each mode, mean and max values,
/// an untrained self-attention aggregator equal to the mean, its gradients, and the leave-one-out
/// and fitting rules of Eq. 1.
@Suite struct AggregationTests {
    static func embeddings() -> Tensor {
        var generator = SeededGenerator(seed: 9)
        return Tensor.randomNormal([2, 5, 16], generator: &generator)
    }

    @Test func shapesOfEveryMode() {
        var generator = SeededGenerator(seed: 1)
        let aggregator = AttentionAggregator(width: 16, heads: 4, generator: &generator)
        let input = Variable(Self.embeddings())
        #expect(ImagePromptAggregation.mean.aggregate(input).shape == [2, 16])
        #expect(ImagePromptAggregation.max.aggregate(input).shape == [2, 16])
        #expect(ImagePromptAggregation.concat.aggregate(input).shape == [2, 5, 16])
        #expect(ImagePromptAggregation.attention.aggregate(input, aggregator: aggregator).shape == [2, 16])
    }

    @Test func meanAndMaxAreElementwise() {
        let values = Self.embeddings()
        let mean = ImagePromptAggregation.mean.aggregate(Variable(values)).value
        let maximum = ImagePromptAggregation.max.aggregate(Variable(values)).value
        for sample in 0..<2 {
            for feature in 0..<16 {
                let column = (0..<5).map { values[indices: sample, $0, feature] }
                #expect(abs(mean[indices: sample, feature] - column.reduce(0, +) / 5) < 1e-6)
                #expect(maximum[indices: sample, feature] == column.max())
            }
        }
    }

    @Test func anUntrainedAttentionAggregatorIsTheMeanAndLearns() {
        var generator = SeededGenerator(seed: 2)
        let aggregator = AttentionAggregator(width: 16, heads: 4, generator: &generator)
        #expect(aggregator.namedParameters.map(\.name) == ["norm.weight", "norm.bias", "attention.in_proj_weight",
                                                            "attention.in_proj_bias", "attention.out_proj.weight",
                                                            "attention.out_proj.bias"])
        let values = Self.embeddings()
        let pooled = aggregator(Variable(values))
        expectClose(pooled.value, values.mean(alongAxis: 1), .scaledAboveOne(1e-6), "untrained aggregator")
        pooled.squared().sum().backward()
        #expect(aggregator.attention.outputProjection!.weight.gradient.map { $0.abs().max() > 0 } == true)
    }

    @Test func leaveOneOutDrawsEveryTargetAndKeepsTheRest() {
        var generator = SeededGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<2000 {
            let (target, references) = ReferenceSelection.leaveOneOut(count: 10, generator: &generator)
            #expect(references.count == 9 && !references.contains(target) && Set(references + [target]).count == 10)
            counts[target] += 1
        }
        // Uniform: each of 10 targets about 200 times.
        #expect(counts.allSatisfy { $0 > 140 && $0 < 260 }, "\(counts)")
    }

    @Test func referencesAreTruncatedOrBootstrapped() {
        var generator = SeededGenerator(seed: 4)
        #expect(ReferenceSelection.fitted(Array(0..<12), to: 9, generator: &generator) == Array(0..<9))
        let bootstrapped = ReferenceSelection.fitted([3, 7], to: 9, generator: &generator)
        #expect(bootstrapped.count == 9 && Array(bootstrapped.prefix(2)) == [3, 7] && bootstrapped.allSatisfy { [3, 7].contains($0) })
    }
}
