import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// torchvision's ResNet in training mode (`scripts/fixtures/resnet_training.py`, a narrow network
/// in `train()` mode, float64 reference): two steps of forward and backward with BatchNorm on batch
/// statistics. Per step, the logits and the input gradient within 1e-4 · max(1, max |ref|), every
/// parameter gradient within a relative (Euclidean) error of 1e-4, and every BatchNorm's running
/// mean and variance within 1e-5 · max(1, max |ref|) with `num_batches_tracked` exact.
@Suite struct ResNetTrainingTests {
    struct Fixture: Decodable { let configuration: ResNetConfiguration }

    static let file = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("resnet_training", "narrow_training.safetensors")) }

    @Test func trainingModeMatchesTorchvisionTrainMode() throws {
        let file = try Self.file.get()
        let configuration = try decodeFixture(Fixture.self, from: TestPaths.fixture("resnet_training", "narrow_training.json")).configuration
        let model = ResNet(configuration: configuration)
        var initial: [String: Tensor] = [:]
        for name in file.names where !name.hasPrefix("step") { initial[name] = try file.tensor(named: name) }
        try model.loadWeights(initial, mapping: model.weightMapping, source: "narrow_training")
        model.setMode(.training)
        let buffers = model.namedParameters.filter(\.parameter.isBuffer)
        #expect(buffers.count == 3 * model.modeDependentLayers.count)

        var worstGradientError: Float = 0, gradientsCompared = 0
        for step in 0..<2 {
            for (_, parameter) in model.namedParameters { parameter.clearGradient() }
            let data = try file.tensors(under: "step\(step)")
            let input = Variable(try #require(data["input"]), requiresGradient: true)
            let logits = model(input)  // [4, 5]
            expectClose(logits.value, data["logits"], .scaledAboveOne(1e-4), "step \(step) logits")
            (logits * Variable(try #require(data["seed"]))).sum().backward()
            expectClose(input.gradient, data["grad.input"], .scaledAboveOne(1e-4), "step \(step) input gradient")
            for (name, parameter) in model.namedParameters where parameter.isTrainable {
                let expected = try #require(data["grad.\(name)"], "step \(step): no reference gradient for \(name)")
                let gradient = try #require(parameter.gradient, "step \(step): no gradient for \(name)")
                let error = euclideanRelativeError(gradient, expected)
                #expect(error <= 1e-4, "step \(step) gradient of \(name): relative error \(error)")
                worstGradientError = max(worstGradientError, error)
                gradientsCompared += 1
            }
            for (name, buffer) in buffers {
                let expected = try #require(data[name], "step \(step): no reference for \(name)")
                if name.hasSuffix("num_batches_tracked") {
                    #expect(buffer.value.item == expected.item, "step \(step) \(name)")
                } else {
                    expectClose(buffer.value, expected, .scaledAboveOne(1e-5), "step \(step) \(name)")
                }
            }
        }

        #expect(gradientsCompared == 2 * model.trainableParameters.count)
        print("ResNet training parity: \(gradientsCompared) parameter gradients, worst relative error \(worstGradientError)")

        // Back in inference mode the updated running statistics normalise and nothing moves.
        model.setMode(.inference)
        let before = buffers.map(\.parameter.value.scalars)
        _ = GradientMode.withoutGradients { model(Variable(try! file.tensor(named: "step0.input"))) }
        #expect(buffers.map(\.parameter.value.scalars) == before)
    }

    /// torchvision's initialisation for training from scratch: convolution weights N(0, 2/fan_out),
    /// BatchNorm γ = 1, β = 0, fresh statistics; the same seed gives the same weights.
    @Test func seededInitialisationFollowsTorchvision() {
        var generator = SeededGenerator(seed: 3)
        let model = ResNet(configuration: .resnet50, generator: &generator)
        let weight = model.stages[3][0].bottleneck!.convolution2.weight.value  // [512, 512, 3, 3]
        let scalars = weight.scalars
        let mean = scalars.reduce(0, +) / Float(scalars.count)
        let deviation = (scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(scalars.count)).squareRoot()
        let expected = (2 / Float(512 * 3 * 3)).squareRoot()
        #expect(abs(mean) < 0.01 * expected && abs(deviation / expected - 1) < 0.01, "mean \(mean), deviation \(deviation) vs \(expected)")
        let norm = model.stages[0][0].bottleneck!.normalization1
        #expect(norm.weight.value.scalars.allSatisfy { $0 == 1 } && norm.bias.value.scalars.allSatisfy { $0 == 0 })
        var again = SeededGenerator(seed: 3)
        #expect(ResNet(configuration: .resnet50, generator: &again).stem.weight.value.scalars == model.stem.weight.value.scalars)
    }
}
