import Autograd
import Checkpoint
import NN
import Tensor
import TestSupport
import Testing

/// Training-mode `BatchNorm2d` against PyTorch's `BatchNorm2d.train()` (`scripts/fixtures/training.py`,
/// float64 reference): two forward passes, each output and gradient within 1e-5 · max(1, max |ref|),
/// running statistics (momentum 0.1, unbiased variance) and `num_batches_tracked` after both.
@Suite struct BatchNormTrainingTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("training", "batch_norm_training.safetensors")) }

    static let tolerance = Tolerance.scaledAboveOne(1e-5)

    @Test func matchesPyTorchTrainingMode() throws {
        let file = try Self.fixture.get()
        let layer = BatchNorm2d(channels: 3)
        layer.setMode(.training)
        layer.weight.value = try file.tensor(named: "weight").copy()
        layer.bias.value = try file.tensor(named: "bias").copy()
        layer.runningMean.value = try file.tensor(named: "initial_running_mean").copy()
        layer.runningVariance.value = try file.tensor(named: "initial_running_var").copy()
        for step in 0..<2 {
            layer.weight.clearGradient()
            layer.bias.clearGradient()
            let data = try file.tensors(under: "step\(step)")
            let input = Variable(try #require(data["input"]), requiresGradient: true)
            let output = layer(input)
            expectClose(output.value, data["output"], Self.tolerance, "step \(step) output")
            (output * Variable(try #require(data["seed"]))).sum().backward()
            expectClose(input.gradient, data["grad.input"], Self.tolerance, "step \(step) input gradient")
            expectClose(layer.weight.gradient, data["grad.weight"], Self.tolerance, "step \(step) weight gradient")
            expectClose(layer.bias.gradient, data["grad.bias"], Self.tolerance, "step \(step) bias gradient")
            expectClose(layer.runningMean.value, data["running_mean"], Self.tolerance, "step \(step) running mean")
            expectClose(layer.runningVariance.value, data["running_var"], Self.tolerance, "step \(step) running variance")
        }
        #expect(layer.batchesTracked.value.item == 2)
    }

    @Test func inferenceModeLeavesRunningStatisticsAlone() throws {
        let layer = BatchNorm2d(channels: 2)
        var generator = SeededGenerator(seed: 4)
        let input = Variable(Tensor.randomNormal([3, 2, 4, 4], generator: &generator))
        let before = layer.runningMean.value.scalars
        let output = layer(input)
        #expect(layer.runningMean.value.scalars == before)
        #expect(layer.batchesTracked.value.item == 0)
        // Fresh statistics (mean 0, variance 1) make inference the identity up to 1/√(1 + ε).
        #expect(output.value.maxAbsoluteDifference(input.value * (1 / (1 + 1e-5 as Float).squareRoot())) < 1e-6)
    }
}
