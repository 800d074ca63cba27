import Autograd
import Checkpoint
import Datasets
import Foundation
import Generation
import Models
import NN
import Tensor
import TestSupport
import Testing
import Training

/// The text-to-image pipeline on Fashion-MNIST (`data.source: "fashion_mnist"`): the captioned
/// items (padded to 32×32, measured attributes read back exactly by the judge), the data source in
/// the `stylegan`, `captioner`, `text2face` and `diffusion` sections (good and bad fields), the
/// attribute classifier's layout stored with its weights, and a seconds-long mapping run on the
/// items that lowers its held-out loss.
@Suite(.serialized) struct FashionTextToFaceTests {
    @Test func itemsArePaddedAndTheJudgeMeasuresThemExactly() throws {
        let set = try FashionMNIST.load(split: .train)
        let items = try CaptionedImages(fashionMNIST: set, split: .train, items: 0..<12, size: 32, channels: 1)
        #expect(items.pixels.shape == [12, 1, 32, 32] && items.paths[2] == "train/2" && items.groups[0] == 9)
        #expect(items.kind == .fashion && items.groupNames == FashionMNIST.classNames)
        // The two-pixel border is black, the item sits in the middle unchanged.
        let first = items.pixels[0].scalars
        let border: [Float] = (0..<32).flatMap { index -> [Float] in [first[index], first[31 * 32 + index], first[index * 32]] }
        #expect(border.allSatisfy { $0 == -1 })
        var inside = 0
        for offset in 0..<784 {
            let expected = Float(set.pixels[offset]) / 127.5 - 1
            if first[(2 + offset / 28) * 32 + 2 + offset % 28] == expected { inside += 1 }
        }
        #expect(inside == 784)
        #expect(items.captionTexts[items.captions[0][0]] == "a photo of a large light ankle boot")
        let measured = AttributeJudge.measuredItems(items.pixels)
        for (index, request) in items.requested.enumerated() {
            guard case let .fashion(expected) = request else { Issue.record("item \(index) is not a fashion item"); continue }
            #expect(measured[index].tone == expected.tone && measured[index].size == expected.size, "item \(index)")
        }
        #expect(items.requested[0].judgedValues == [9, 1, 1] && items.requested[2].judgedValues == [0, 0, 0])
        // Resized for the captioner: 64×64, three channels.
        let large = try CaptionedImages(fashionMNIST: set, split: .train, items: 0..<2, size: 64, channels: 3)
        #expect(large.pixels.shape == [2, 3, 64, 64])
        #expect(throws: GenerationError.invalidRequest("items 59999..<60001 are outside the 60000 items of the train split")) {
            try CaptionedImages(fashionMNIST: set, split: .train, items: 59_999..<60_001, size: 32, channels: 1)
        }
    }

    @Test func theClassifierLayoutTravelsWithItsWeights() throws {
        var random = SeededGenerator(seed: 1)
        let classifier = AttributeClassifier(featureWidth: 6, layout: .fashionMNIST, generator: &random)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fashion-classifier-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try classifier.save(to: file)
        let loaded = try AttributeClassifier.load(contentsOf: file)
        #expect(loaded.layout == .fashionMNIST && loaded.heads.weight.value.maxAbsoluteDifference(classifier.heads.weight.value) == 0)
        let pooled = Tensor.randomNormal([3, 6], generator: &random)
        #expect(loaded.predictions(pooled: pooled) == classifier.predictions(pooled: pooled))
        #expect(loaded.predictions(pooled: pooled).allSatisfy { $0.count == 1 && (0..<10).contains($0[0]) })
        // A file without the layout (written before layouts existed) is the face classifier.
        let face = AttributeClassifier(featureWidth: 6, generator: &random)
        try SafetensorsFile.write(Dictionary(uniqueKeysWithValues: face.namedParameters.map { ($0.name, $0.parameter.value) }), to: file)
        #expect(try AttributeClassifier.load(contentsOf: file).layout == .faces)
        // A judge refuses a classifier of the other kind.
        let encoder = CaptionerTrainingTests.smallEncoder(generator: &random)
        #expect(throws: GenerationError.self) { try AttributeJudge(kind: .fashion, classifier: face, encoder: encoder) }
    }

    @Test func theDataSourceReadsInEverySectionAndBadFieldsAreNamed() throws {
        let stylegan = try TrainingConfiguration.decode(Data(#"""
            {"task": "stylegan", "stylegan": {"data": {"source": "fashion_mnist", "items": [0, 600], "image_size": 32}, "channels": [8, 8, 8, 8]}}
            """#.utf8))
        #expect(stylegan.stylegan.data.source == .fashionMNIST && stylegan.stylegan.data.items == [0, 600])
        #expect(stylegan.stylegan.data.fashionMNISTFolder == "/usr/share/datasets/fashion-mnist")
        let captioner = try TrainingConfiguration.decode(Data(#"""
            {"task": "captioner", "captioner": {"data": {"source": "fashion_mnist", "items": [0, 100], "validation_items": [0, 50], "image_size": 64}}}
            """#.utf8))
        #expect(captioner.captioner.data.source == .fashionMNIST && captioner.captioner.data.validationItems == [0, 50])
        let mapping = try TrainingConfiguration.decode(Data(#"""
            {"task": "text2face", "text2face": {"data": {"source": "fashion_mnist", "validation_items": null}}}
            """#.utf8))
        #expect(mapping.text2face.data.source == .fashionMNIST && mapping.text2face.data.items == [0, 6000])
        #expect(mapping.text2face.data.validationItems == nil)
        #expect(mapping.text2face.logVarianceBias == nil)
        let lowered = try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"log_variance_bias": -4}}"#.utf8))
        #expect(lowered.text2face.logVarianceBias == -4)
        // The default stays the person folders.
        let orl = try TrainingConfiguration.load(contentsOf: TestPaths.repository.appendingPathComponent("configs/text2face-mapping-adam-faces.json"))
        #expect(orl.text2face.data.source == .personFolders)

        #expect(throws: TrainingError.invalidConfiguration(
            "configuration: stylegan.data.items must be [first, end) items of the idx training set with 0 ≤ first < end ≤ 60000 (got [0, 70000])")) {
            try TrainingConfiguration.decode(Data(#"""
                {"task": "stylegan", "stylegan": {"data": {"source": "fashion_mnist", "items": [0, 70000], "image_size": 32}, "channels": [8, 8, 8, 8]}}
                """#.utf8))
        }
        #expect(throws: TrainingError.invalidConfiguration(
            "configuration: captioner.data.validation_items must be [first, end) items of the idx test set with 0 ≤ first < end ≤ 10000 (got [5, 5])")) {
            try TrainingConfiguration.decode(Data(#"""
                {"task": "captioner", "captioner": {"data": {"source": "fashion_mnist", "validation_items": [5, 5], "image_size": 64}}}
                """#.utf8))
        }
        #expect(throws: TrainingError.invalidConfiguration(
            "configuration: text2face.data.items must be [first, end) items of the idx training set with 0 ≤ first < end ≤ 60000 (got [3])")) {
            try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"data": {"source": "fashion_mnist", "items": [3]}}}"#.utf8))
        }
        #expect(throws: TrainingError.invalidConfiguration(
            "configuration: diffusion.data.source must be person_folders (the diffusion tasks read faces only) (got fashion_mnist)")) {
            try TrainingConfiguration.decode(Data(#"{"task": "diffusion", "diffusion": {"data": {"source": "fashion_mnist"}}}"#.utf8))
        }
        // An unknown source is a decoding error naming the value.
        #expect(throws: TrainingError.self) {
            try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"data": {"source": "mnist"}}}"#.utf8))
        }
        // The person-folder fields are not checked for the Fashion-MNIST source, and vice versa.
        _ = try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"data": {"source": "fashion_mnist", "people": [3, 1]}}}"#.utf8))
        _ = try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"data": {"items": [3, 1]}}}"#.utf8))
    }

    /// A seconds-long mapping run on 40 items with the small generator and captioner (8 steps,
    /// Adam 2e-2), its parts and the folder it writes to.
    static func shortRun(_ configure: (inout TextToFaceTaskConfiguration) -> Void = { _ in })
        throws -> (training: TextToFaceTraining, parts: TextToFaceTraining.Parts, configuration: TrainingConfiguration, root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("text2face-fashion-\(UUID().uuidString)", isDirectory: true)
        var configuration = TrainingConfiguration(task: .text2face, seed: 3, output: root.path)
        configuration.training.steps = 8
        configuration.training.quiet = true
        configuration.training.logInterval = 1
        configuration.optimizer = OptimizerConfiguration(kind: .adam, learningRate: 2e-2)
        configuration.text2face = TextToFaceTaskConfiguration(
            data: .init(source: .fashionMNIST, items: [0, 40], validationItems: [0, 20], imageSize: 8, channels: 1),
            generator: "unused", captioner: "unused", batchSize: 4, validationCaptions: 6, sampleCount: 4)
        configure(&configuration.text2face)
        let set = try FashionMNIST.load(split: .train)
        let captions = try CaptionedImages(fashionMNIST: set, split: .train, items: 0..<40, size: 8, channels: 1).captionTexts
        var random = SeededGenerator(seed: 8)
        let parts = TextToFaceTraining.Parts(
            generator: try TextToFaceMappingTests.smallGenerator(seed: 6),
            captioner: TextToFaceMappingTests.smallCaptioner(captions: captions, seed: 7),
            attributeClassifier: AttributeClassifier(featureWidth: 16, layout: .fashionMNIST, generator: &random),
            model: try ModelRegistry.load(DefaultModel.name))
        let training = try TextToFaceTraining(configuration: configuration, outputDirectory: root, parts: parts, write: { _ in })
        return (training, parts, configuration, root)
    }

    @Test func aShortMappingRunOnItemsLowersItsHeldOutLoss() throws {
        let (training, parts, configuration, root) = try Self.shortRun()
        defer { try? FileManager.default.removeItem(at: root) }
        let set = try FashionMNIST.load(split: .train)
        let captions = try CaptionedImages(fashionMNIST: set, split: .train, items: 0..<40, size: 8, channels: 1).captionTexts
        #expect(training.captions.count == Set(captions).count && training.captions.allSatisfy { captions.contains($0) })
        #expect(training.validationCaptions.count == 6)
        let validation = try #require(training.trainer.validation)
        let before = try validation.run()
        _ = try training.trainer.train()
        let after = try validation.run()
        let (first, last) = (try #require(before["validation_loss"]), try #require(after["validation_loss"]))
        #expect(last < first, "held-out λ1·L_KL + λ2·L_TRL \(first) → \(last)")
        let agreement = try #require(after["validation_attribute_agreement"])
        #expect(agreement >= 0 && agreement <= 1)
        // A face classifier cannot judge items.
        var random = SeededGenerator(seed: 9)
        let wrong = TextToFaceTraining.Parts(generator: parts.generator, captioner: parts.captioner,
                                             attributeClassifier: AttributeClassifier(featureWidth: 16, generator: &random), model: parts.model)
        #expect(throws: GenerationError.self) {
            try TextToFaceTraining(configuration: configuration, outputDirectory: root, parts: wrong, write: { _ in })
        }
    }

    /// `mapping_learning_rate_scale: 0` keeps the mapping network exactly the generator's own while
    /// conditioning augmentation learns; the default (1) trains both, and a negative scale is refused.
    @Test func aFrozenMappingNetworkDoesNotChangeInTraining() throws {
        func weights(_ module: some Module) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: module.namedParameters.map { ($0.name, $0.parameter.value) })
        }
        for scale: Float in [0, 1] {
            let (training, parts, _, root) = try Self.shortRun { $0.mappingLearningRateScale = scale }
            defer { try? FileManager.default.removeItem(at: root) }
            let generatorMapping = weights(try #require(parts.generator).generator.mapping)
            let (network, conditioning) = (weights(training.mapping.mapping), weights(training.mapping.conditioning))
            #expect(network.count == 4 && network.keys.allSatisfy { generatorMapping[$0] != nil })
            #expect(network.allSatisfy { $0.value.maxAbsoluteDifference(generatorMapping[$0.key]!) == 0 }, "starts as the generator's")
            #expect(training.mapping.mapping.trainableParameters.count == (scale == 0 ? 0 : 4))  // two layers: weight, bias
            _ = try training.trainer.train()
            let networkChange = network.map { training.mapping.mapping.parameterDictionary[$0.key]!.value.maxAbsoluteDifference($0.value) }.max()!
            let conditioningChange = conditioning.map {
                training.mapping.conditioning.parameterDictionary[$0.key]!.value.maxAbsoluteDifference($0.value)
            }.max()!
            #expect(conditioningChange > 1e-3, "scale \(scale): CA moved by \(conditioningChange)")
            if scale == 0 {
                #expect(networkChange == 0, "the frozen network moved by \(networkChange)")
            } else {
                #expect(networkChange > 1e-3, "the trained network moved by \(networkChange)")
            }
        }
        let configuration = try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"mapping_learning_rate_scale": 0}}"#.utf8))
        #expect(configuration.text2face.mappingLearningRateScale == 0)
        #expect(TextToFaceTaskConfiguration().mappingLearningRateScale == 1)
        #expect(throws: TrainingError.invalidConfiguration(
            "configuration: text2face.mapping_learning_rate_scale must be zero or more (got -1.0)")) {
            try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"mapping_learning_rate_scale": -1}}"#.utf8))
        }
    }

    /// `center_text_features: true` trains conditioning augmentation on s − s̄ and folds s̄ into the
    /// saved bias: the saved model gives, from raw s, the μ and log σ² the training gave from the
    /// centred features, and the training's own bias is left as trained. The default is off.
    @Test func centredTextFeaturesAreFoldedIntoTheSavedBias() throws {
        let plain = try Self.shortRun()
        try? FileManager.default.removeItem(at: plain.root)
        #expect(plain.training.textOffset == nil)
        let (training, _, _, root) = try Self.shortRun { $0.centerTextFeatures = true }
        defer { try? FileManager.default.removeItem(at: root) }
        let offset = try #require(training.textOffset)
        let centred = training.textFeatures - offset  // [captions, textWidth]
        #expect(centred.mean(alongAxis: 0).scalars.allSatisfy { abs($0) < 1e-5 }, "centred columns")
        #expect(offset.scalars.map { $0 * $0 }.reduce(0, +) > 0.25, "the captions share much of s: ‖s̄‖² > 0.25")
        _ = try training.trainer.train()
        let conditioning = training.mapping.conditioning
        let trainedBias = try #require(conditioning.projection.bias).value
        let folder = root.appendingPathComponent("saved", isDirectory: true)
        try training.saveModel(to: folder)
        #expect(try #require(conditioning.projection.bias).value.maxAbsoluteDifference(trainedBias) == 0)
        let saved = try TrainedTextToFace.load(from: folder, textEncoder: training.textEncoder)
        let raw = try TrainedTextToFace.textFeatures(training.captions, encoder: training.textEncoder)  // [captions, textWidth]
        #expect(raw.maxAbsoluteDifference(training.textFeatures) == 0, "the training keeps s as it is")
        let (mean, logVariance) = GradientMode.withoutGradients { saved.mapping.conditioning.distribution(Variable(raw)) }
        let (trainedMean, trainedLogVariance) = GradientMode.withoutGradients {
            conditioning.distribution(Variable(centred))
        }
        #expect(mean.value.maxAbsoluteDifference(trainedMean.value) < 1e-4)
        #expect(logVariance.value.maxAbsoluteDifference(trainedLogVariance.value) < 1e-4)
        #expect(TextToFaceTaskConfiguration().centerTextFeatures == false)
        let configuration = try TrainingConfiguration.decode(Data(#"{"task": "text2face", "text2face": {"center_text_features": true}}"#.utf8))
        #expect(configuration.text2face.centerTextFeatures)
    }
}
