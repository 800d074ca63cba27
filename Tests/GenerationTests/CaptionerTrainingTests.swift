import Autograd
import Datasets
import Foundation
import Generation
import Models
import NN
import Optim
import Tensor
import TestSupport
import Testing
import Training

/// Seconds-long checks of the text-to-face captioner: its vocabulary, L_TRL and the attribute
/// classifier's loss fall when trained on a few fixed examples; L_TRL reaches the input pixels
/// through the frozen EfficientNet-Lite0 (directional finite differences); the `captioner` task on
/// two ORL people trains, resumes exactly, saves, and loads back with the pixel path agreeing with
/// the cached-feature path.
@Suite(.serialized) struct CaptionerTrainingTests {
    static let faces = TestPaths.orlFaces

    @Test func vocabularyEncodesDecodesAndRoundTrips() throws {
        let vocabulary = CaptionerVocabulary(captions: ["A man, with glasses.", "a woman with long hair", "a man"])
        #expect(Array(vocabulary.words.prefix(6)) == ["<pad>", "<start>", "<end>", "<unk>", "a", "man"])
        let encoded = vocabulary.encode("A man with a hat")
        #expect(encoded.first == CaptionerVocabulary.startIndex && encoded.last == CaptionerVocabulary.endIndex)
        #expect(encoded.contains(CaptionerVocabulary.unknownIndex))
        #expect(vocabulary.decode(Array(encoded.dropFirst())) == ["a", "man", "with", "a", "<unk>"])
        let decoded = try JSONDecoder().decode(CaptionerVocabulary.self, from: try JSONEncoder().encode(vocabulary))
        #expect(decoded == vocabulary && decoded.index(of: "glasses") == vocabulary.index(of: "glasses"))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CaptionerVocabulary.self, from: Data(#"{"words": ["a", "b"]}"#.utf8)) }
    }

    @Test func trainingLowersTheTextReconstructionLossAndDecodingRecoversTheCaptions() {
        var generator = SeededGenerator(seed: 7)
        let vocabulary = CaptionerVocabulary(captions: ["a man with glasses", "a woman with long hair", "a smiling man with a beard"])
        let captions = ["a man with glasses", "a woman with long hair", "a smiling man with a beard"].map { vocabulary.encode($0) }
        let features = Tensor.randomNormal([3, 4, 8], generator: &generator)  // three "images", L = 4, D = 8
        let decoder = AttentionCaptioner(configuration: AttentionCaptionerConfiguration(
            vocabularySize: vocabulary.count, featureWidth: 8, embeddingWidth: 16, hiddenWidth: 24, attentionWidth: 8), generator: &generator)
        let optimizer = Adam(parameters: decoder.trainableParameters, learningRate: 1e-2)
        var losses: [Float] = []
        for _ in 0..<150 {
            let loss = decoder.loss(features: Variable(features), captions: captions).total
            loss.backward()
            optimizer.step()
            optimizer.clearGradients()
            losses.append(loss.value.item)
        }
        #expect(losses.last! < 0.1 * losses.first!, "L_TRL \(losses.first!) → \(losses.last!)")
        let expected = captions.map { Array($0.dropFirst().dropLast()) }
        #expect(decoder.greedyCaptions(features: features) == expected)
        #expect(decoder.beamCaptions(features: features, beamWidth: 3) == expected)
    }

    @Test func attributeClassifierLossFalls() {
        var generator = SeededGenerator(seed: 3)
        let pooled = Tensor.randomNormal([24, 10], generator: &generator)
        let values = pooled.scalars
        let labels = (0..<24).map { row in (0..<4).map { values[row * 10 + $0] > 0 } }  // each attribute is one feature's sign
        let (classifier, losses) = AttributeClassifier.train(pooled: pooled, labels: labels, steps: 200, learningRate: 5e-2)
        #expect(losses.last! < 0.2 * losses.first!, "attribute loss \(losses.first!) → \(losses.last!)")
        let predicted = classifier.probabilities(pooled: pooled)
        #expect(zip(predicted, labels).allSatisfy { zip($0, $1).allSatisfy { ($0 > 0.5) == $1 } })
    }

    /// A small EfficientNet (two MBConv stages, 8–16 channels) with random weights and the smooth
    /// SiLU: finite differences are exact enough on it, unlike on ReLU6's kinks.
    static func smallEncoder(generator: inout SeededGenerator) -> CaptionerImageEncoder {
        let configuration = EfficientNetConfiguration(
            widthMultiplier: 1, depthMultiplier: 1, imageSize: 64, dropoutRate: 0, classCount: nil, activation: .silu,
            stemChannels: 8, headChannels: 16,
            stages: [EfficientNetStage(repeats: 1, kernelSize: 3, stride: 2, expansionRatio: 1, inputChannels: 8, outputChannels: 8),
                     EfficientNetStage(repeats: 2, kernelSize: 3, stride: 2, expansionRatio: 2, inputChannels: 8, outputChannels: 16)])
        let network = EfficientNet(configuration: configuration)
        // Variance-preserving random weights (BatchNorm near the identity, convolutions ~ N(0, 2/fan-in))
        // so the gradient reaching the pixels is of order one rather than vanishing.
        for (name, parameter) in network.namedParameters {
            let shape = parameter.value.shape
            let isNormalization = name.hasPrefix("bn") || name.contains(".bn") || name.contains("running")
            if name.hasSuffix("running_var") {
                parameter.value = Tensor.randomUniform(shape, lower: 0.8, upper: 1.2, generator: &generator)
            } else if isNormalization && name.hasSuffix("weight") {
                parameter.value = Tensor.randomUniform(shape, lower: 0.9, upper: 1.3, generator: &generator)
            } else if shape.count == 4 {
                let fanIn = Float(shape.dropFirst().reduce(1, *))
                parameter.value = Tensor.randomNormal(shape, standardDeviation: (2 / fanIn).squareRoot(), generator: &generator)
            } else {
                parameter.value = Tensor.randomNormal(shape, standardDeviation: 0.1, generator: &generator)
            }
        }
        return CaptionerImageEncoder(network: network, imageSize: 64)
    }

    @Test func textReconstructionLossReachesThePixels() throws {
        var generator = SeededGenerator(seed: 11)
        let encoder = Self.smallEncoder(generator: &generator)
        let decoder = AttentionCaptioner(configuration: AttentionCaptionerConfiguration(
            vocabularySize: 12, featureWidth: encoder.featureWidth, embeddingWidth: 8, hiddenWidth: 8, attentionWidth: 8),
                                         generator: &generator)
        let captions = [[1, 4, 5, 6, 2], [1, 7, 2]]
        // 48 px grey pixels, resized to 64 inside the differentiable path; 8 × 8 = 64 regions.
        let pixels = Tensor.randomUniform([2, 1, 48, 48], lower: -0.8, upper: 0.8, generator: &generator)
        let input = Variable(pixels, requiresGradient: true)
        let loss = decoder.loss(features: encoder.regions(input), captions: captions).total
        #expect(encoder.regions(input).shape == [2, 64, 16])
        loss.backward()
        let gradient = try #require(input.gradient)
        let analytic = gradient.scalars.map(Double.init)
        let norm = analytic.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(norm > 1e-3, "the checked gradient is not negligible: ‖∂L/∂pixels‖ \(norm)")
        func value(_ values: Tensor) -> Double {
            GradientMode.withoutGradients { Double(decoder.loss(features: encoder.regions(Variable(values)), captions: captions).total.value.item) }
        }
        // Float32 losses resolve ~1e-7: single pixels move L too little, so the checks are
        // directional derivatives along unit-norm directions (step 0.5 in pixel space, ≈ 0.01 per
        // pixel) — the gradient's own direction (slope ‖∇L‖) and two random ones — and central
        // differences at the three pixels with the largest gradient.
        let gradientDirection = Tensor(shape: pixels.shape, scalars: analytic.map { Float($0 / norm) })
        var directions = [gradientDirection]
        for _ in 0..<2 {
            let random = Tensor.randomNormal(pixels.shape, generator: &generator)
            directions.append(random * (1 / random.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()))
        }
        for (trial, direction) in directions.enumerated() {
            let step: Float = 0.5
            let numeric = (value(pixels + direction * step) - value(pixels - direction * step)) / Double(2 * step)
            let directional = zip(analytic, direction.scalars).reduce(0.0) { $0 + $1.0 * Double($1.1) }
            #expect(abs(numeric - directional) <= 2e-2 * norm, "direction \(trial): \(numeric) vs \(directional) (‖∇L‖ \(norm))")
        }
        let scalars = pixels.scalars
        for index in analytic.indices.sorted(by: { abs(analytic[$0]) > abs(analytic[$1]) }).prefix(3) {
            let step: Float = 5e-2
            var plus = scalars, minus = scalars
            plus[index] += step
            minus[index] -= step
            let numeric = (value(Tensor(shape: pixels.shape, scalars: plus)) - value(Tensor(shape: pixels.shape, scalars: minus))) / Double(2 * step)
            #expect(abs(numeric - analytic[index]) <= 5e-2 * abs(analytic[index]), "∂L/∂pixel[\(index)]: \(numeric) vs \(analytic[index])")
        }
    }

    @Test func theInstalledEncoderPassesAGradientToThePixels() throws {
        // EfficientNet-Lite0's ReLU6 kinks make its finite differences noisy in Float32 (each layer's
        // rule is checked elsewhere); here only that the real path carries a finite, non-zero gradient.
        let encoder = try CaptionerImageEncoder.installed(imageSize: 64)
        var generator = SeededGenerator(seed: 12)
        let decoder = AttentionCaptioner(configuration: AttentionCaptionerConfiguration(
            vocabularySize: 12, featureWidth: 1280, embeddingWidth: 8, hiddenWidth: 8, attentionWidth: 8), generator: &generator)
        let input = Variable(Tensor.randomUniform([1, 1, 64, 64], lower: -0.8, upper: 0.8, generator: &generator), requiresGradient: true)
        decoder.loss(features: encoder.regions(input), captions: [[1, 4, 5, 2]]).total.backward()
        let gradient = try #require(input.gradient)
        #expect(gradient.scalars.allSatisfy(\.isFinite) && gradient.abs().max() > 0)
    }

    static func configuration(output: URL) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: .captioner, seed: 2, output: output.path)
        configuration.training.steps = 8
        configuration.training.stepsPerEpoch = 4
        configuration.training.quiet = true
        configuration.optimizer.learningRate = 3e-3
        configuration.captioner = CaptionerTaskConfiguration(
            data: .init(personFolders: faces.path, attributes: faces.appendingPathComponent("attributes.csv").path, people: [0, 2],
                        validationPeople: [2, 3], imageSize: 64, channels: 1),
            embeddingWidth: 16, hiddenWidth: 16, attentionWidth: 16, batchSize: 8, attributeSteps: 20)
        return configuration
    }

    @Test func captionerTaskTrainsResumesSavesAndLoads() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("captioner-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let encoder = try CaptionerImageEncoder.installed(imageSize: 64)
        let whole = try CaptionerTraining(configuration: Self.configuration(output: root.appendingPathComponent("whole")),
                                          outputDirectory: root.appendingPathComponent("whole"), encoder: encoder, write: { _ in })
        #expect(whole.pairs.count == 2 * 10 * 4)
        let validation = try #require(whole.trainer.validation)
        let before = try #require(try validation.run()["validation_loss"])
        _ = try whole.trainer.train()
        let after = try #require(try validation.run()["validation_loss"])
        #expect(after < before, "validation L_TRL \(before) → \(after)")

        // Stop at step 4, resume from the checkpoint: the same weights as the uninterrupted run.
        let splitFolder = root.appendingPathComponent("split")
        let first = try CaptionerTraining(configuration: Self.configuration(output: splitFolder), outputDirectory: splitFolder,
                                          encoder: encoder, write: { _ in })
        let stopped = try first.trainer.train(stopStep: 4)
        let second = try CaptionerTraining(configuration: Self.configuration(output: splitFolder), outputDirectory: splitFolder,
                                           encoder: encoder, write: { _ in })
        _ = try second.trainer.resume(from: try #require(stopped.checkpoint))
        _ = try second.trainer.train()
        for ((name, expected), (_, actual)) in zip(whole.decoder.namedParameters, second.decoder.namedParameters) {
            #expect(expected.value.maxAbsoluteDifference(actual.value) == 0, "\(name) differs after resuming")
        }

        let attributes = try whole.fitAttributeClassifier()
        #expect(attributes.losses.last! < attributes.losses.first!)
        let model = root.appendingPathComponent("whole/model")
        try whole.saveModel(to: model, attributeClassifier: attributes.classifier)
        let loaded = try TrainedCaptioner.load(from: root.appendingPathComponent("whole"), encoder: encoder)
        #expect(loaded.vocabulary == whole.vocabulary && loaded.manifest == whole.manifest)
        // The pixel path (what the mapping stage calls) equals the cached-feature path of training.
        let photos = [0, 5]
        let pixels = Tensor.concatenate(photos.map { whole.faces.pixels[$0].reshaped([1, 1, 64, 64]) }, alongAxis: 0)
        let captions = loaded.tokens(of: photos.map { whole.faces.captionTexts[whole.faces.captions[$0][0]] })
        let fromPixels = loaded.textReconstructionLoss(pixels: Variable(pixels), captions: captions).total.value.item
        let features = Tensor.concatenate(photos.map { whole.features[$0].reshaped([1] + Array(whole.features.shape.dropFirst())) }, alongAxis: 0)
        let fromFeatures = whole.decoder.loss(features: Variable(features), captions: captions).total.value.item
        #expect(abs(fromPixels - fromFeatures) <= 1e-4 * max(1, abs(fromFeatures)), "\(fromPixels) vs \(fromFeatures)")
        #expect(loaded.captions(of: pixels).count == 2)
        let classifier = try AttributeClassifier.load(contentsOf: model.appendingPathComponent(AttributeClassifier.fileName))
        #expect(classifier.probabilities(pixels: pixels, encoder: encoder).count == 2)

        // Missing files fail naming them.
        try FileManager.default.removeItem(at: model.appendingPathComponent(CaptionerVocabulary.fileName))
        #expect(throws: GenerationError.missingFile(path: model.appendingPathComponent(CaptionerVocabulary.fileName).path)) {
            try TrainedCaptioner.load(from: model, encoder: encoder)
        }
    }
}
