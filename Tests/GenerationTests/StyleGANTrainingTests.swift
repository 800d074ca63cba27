import Autograd
import Foundation
import Generation
import NN
import Optim
import Tensor
import TestSupport
import Testing
import Training

/// StyleGAN2 training pieces: the finite-difference R1 gradient against the derivative of the
/// penalty's own value, DiffAugment's translation against its adjoint, and seconds-long runs of
/// the `stylegan` task on two ORL people at 8×8 (the discriminator loss falls below its starting
/// value, generator steps against a fixed discriminator lower the generator loss, a stopped and
/// resumed run equals an uninterrupted one, and the saved folder generates).
@Suite(.serialized) struct StyleGANTrainingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func configuration(steps: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: .stylegan, seed: 5)
        configuration.training.steps = steps
        configuration.training.quiet = true
        configuration.training.logInterval = 1
        configuration.optimizer = OptimizerConfiguration(kind: .adam, learningRate: 2e-3, beta1: 0, beta2: 0.99, epsilon: 1e-8)
        configuration.stylegan = StyleGANTaskConfiguration(
            data: .init(personFolders: repository.appendingPathComponent("data/orl-faces").path, people: [0, 2], imageSize: 8, channels: 1),
            styleDimension: 16, mappingLayers: 2, channels: [16, 8], batchSize: 8, r1Gamma: 1, r1Interval: 2, sampleCount: 4)
        return configuration
    }

    /// The R1 node's gradient along a random direction v against (R1(θ + εv) − R1(θ − εv)) / 2ε,
    /// with R1 computed from first-order input gradients only. The critic is smooth (conv → tanh →
    /// linear) so that the finite difference over θ is well defined; the leaky-ReLU discriminator is
    /// piecewise linear in θ's activation pattern, where such a check measures the kinks instead.
    @Test func r1GradientMatchesTheDerivativeOfThePenalty() {
        var random = SeededGenerator(seed: 9)
        let convolution = EqualizedConvolution(inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, generator: &random)
        convolution.bias!.value = Tensor.randomNormal([4], generator: &random)
        let linear = EqualizedLinear(inFeatures: 4 * 64, outFeatures: 1, generator: &random)
        let critic: (Variable) -> Variable = { images in linear(convolution(images).tanh().reshaped([images.shape[0], -1])) }
        let images = Tensor.randomNormal([4, 1, 8, 8], generator: &random)
        let parameters = convolution.trainableParameters + linear.trainableParameters
        let gamma: Float = 10
        let penalty = R1Penalty.penalty(images: images, weight: gamma, parameters: parameters, step: 1e-2, discriminator: critic)
        penalty.backward()
        let directions = parameters.map { Tensor.randomNormal($0.value.shape, generator: &random) }
        let analytic = zip(parameters, directions).reduce(Float(0)) { $0 + ($1.0.gradient! * $1.1).sum() }
        for parameter in parameters { parameter.clearGradient() }

        func value(shift: Float) -> Float {
            let originals = parameters.map(\.value)
            for (parameter, direction) in zip(parameters, directions) { parameter.value = parameter.value + direction * shift }
            defer { for (parameter, original) in zip(parameters, originals) { parameter.value = original } }
            let input = Variable(images, requiresGradient: true)
            critic(input).sum().backward()
            for parameter in parameters { parameter.clearGradient() }
            return gamma / 2 * input.gradient!.squared().sum() / 4
        }
        #expect(abs(penalty.value.item - value(shift: 0)) <= 1e-5 * max(1, abs(penalty.value.item)))
        let epsilon: Float = 1e-2
        let numeric = (value(shift: epsilon) - value(shift: -epsilon)) / (2 * epsilon)
        #expect(abs(analytic - numeric) <= 0.01 * abs(numeric), "directional derivative \(analytic) vs finite difference \(numeric)")
    }

    @Test func theShippedConfigurationReadsAndBadFieldsAreNamed() throws {
        let configuration = try TrainingConfiguration.load(contentsOf: Self.repository.appendingPathComponent("configs/text2face-generator.json"))
        #expect(configuration.task == .stylegan && configuration.stylegan.data.imageSize == 64 && configuration.stylegan.channels.count == 5)
        var wrong = configuration
        wrong.stylegan.channels = [8, 8]
        wrong.stylegan.batchSize = 6
        #expect {
            try wrong.validate()
        } throws: { error in
            "\(error)".contains("stylegan.channels") && "\(error)".contains("stylegan.batch_size")
        }
    }

    @Test func translationIsItsAdjointsTranspose() {
        var random = SeededGenerator(seed: 4)
        let input = Tensor.randomNormal([3, 2, 8, 8], generator: &random)
        let probe = Tensor.randomNormal([3, 2, 8, 8], generator: &random)
        var augmentationRandom = SeededGenerator(seed: 1)
        let leaf = Variable(input, requiresGradient: true)
        let moved = DifferentiableAugmentation(policies: [.translation])(leaf, generator: &augmentationRandom)
        (moved * Variable(probe)).sum().backward()
        // ⟨A x, p⟩ = ⟨x, Aᵀ p⟩.
        let forward = (moved.value * probe).sum(), adjoint = (input * leaf.gradient!).sum()
        #expect(abs(forward - adjoint) <= 1e-4 * max(1, abs(forward)))
        #expect(moved.value.scalars != input.scalars)
        // Saturation leaves grey images alone: with one channel, colour is brightness and contrast only.
        var colourRandom = SeededGenerator(seed: 2)
        let grey = DifferentiableAugmentation(policies: [.color])(Variable(input.narrowed(alongAxis: 1, start: 0, length: 1)), generator: &colourRandom)
        #expect(grey.shape == [3, 1, 8, 8] && grey.value.scalars.allSatisfy(\.isFinite))
    }

    @Test func eachStageLowersItsLossAndTheRunGenerates() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stylegan-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let training = try StyleGANTraining(configuration: Self.configuration(steps: 40), outputDirectory: nil, write: { _ in })
        #expect(training.photos.shape == [20, 1, 8, 8])
        try training.trainer.train()
        let discriminatorLosses = training.trainer.history.records.compactMap { $0.stageLosses?["discriminator"] }
        #expect(discriminatorLosses.count == 40)
        let early = discriminatorLosses.prefix(5).reduce(0, +) / 5, late = discriminatorLosses.suffix(5).reduce(0, +) / 5
        #expect(late < early, "discriminator loss \(early) → \(late)")

        // Generator steps against the fixed discriminator lower the generator's loss on fixed z.
        let generator = training.networks.generator, discriminator = training.networks.discriminator
        discriminator.freeze(paths: [""])
        var random = SeededGenerator(seed: 8)
        let latents = Tensor.randomNormal([8, 16], generator: &random), noise = generator.randomNoise(batch: 8, generator: &random)
        func generatorLoss() -> Variable {
            AdversarialLoss.generator(generated: discriminator(generator.synthesize(generator.map(Variable(latents)), noise: noise)))
        }
        let optimizer = Adam(groups: [OptimizationGroup(parameters: generator.trainableParameters)], learningRate: 2e-3, beta1: 0, beta2: 0.99, epsilon: 1e-8)
        let before = generatorLoss().value.item
        for _ in 0..<10 {
            generatorLoss().backward()
            optimizer.step()
            optimizer.clearGradients()
        }
        let after = generatorLoss().value.item
        #expect(after < before, "generator loss \(before) → \(after)")

        try training.saveModel(to: root)
        let trained = try TrainedStyleGAN(directory: root)
        let samples = trained.sample(count: 3, seed: 1, truncation: 0.7)
        #expect(samples.shape == [3, 1, 8, 8] && samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(trained.sample(count: 3, seed: 1, truncation: 0.7).scalars == samples.scalars)
        // Gradients reach w through the frozen generator.
        let latent = Variable(Tensor.randomNormal([2, 16], generator: &random), requiresGradient: true)
        trained.synthesize(latent, truncation: 0.7).squared().sum().backward()
        #expect((latent.gradient?.abs().max() ?? 0) > 0)
        #expect(trained.generator.trainableParameters.isEmpty)
    }

    @Test func aStoppedAndResumedRunEqualsAnUninterruptedOne() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stylegan-resume-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let straight = try StyleGANTraining(configuration: Self.configuration(steps: 6), outputDirectory: root.appendingPathComponent("a"),
                                            write: { _ in })
        try straight.trainer.train()
        let first = try StyleGANTraining(configuration: Self.configuration(steps: 6), outputDirectory: root.appendingPathComponent("b"),
                                         write: { _ in })
        try first.trainer.train(stopStep: 3)
        let resumed = try StyleGANTraining(configuration: Self.configuration(steps: 6), outputDirectory: root.appendingPathComponent("c"),
                                           write: { _ in })
        try resumed.resume(from: root.appendingPathComponent("b"))
        try resumed.trainer.train()
        for ((name, expected), (_, actual)) in zip(straight.networks.namedParameters, resumed.networks.namedParameters) {
            #expect(actual.value.scalars == expected.value.scalars, "\(name) differs after resuming")
        }
        #expect(try straight.averagedGenerator().namedParameters.map(\.parameter.value.scalars)
                == resumed.averagedGenerator().namedParameters.map(\.parameter.value.scalars))
    }
}
