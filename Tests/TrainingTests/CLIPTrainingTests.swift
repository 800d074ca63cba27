import Autograd
import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Optim
import Tensor
import Testing
import TestSupport
import Tokenizers
@testable import Training

/// CLIP towers wired into contrastive training: a tiny CLIP learns synthetic shapes from scratch,
/// projections-only locking trains exactly CLIP's projections and logit scale, and a run written
/// by `saveModel` loads back as an OpenCLIP checkpoint.
@Suite struct CLIPTrainingTests {
    static let tokenizer = Result {
        try CLIPTokenizer(mergesFile: try TestPaths.installedPackageFile("clip/bpe_simple_vocab_16e6.txt.gz"))
    }

    /// A tiny CLIP (ViT 32 px / patch 8 / width 32, text width 32, one block each) on 32-px shapes.
    static func configuration(steps: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: .clipFromScratch, seed: 3)
        configuration.training = LoopConfiguration(steps: steps, logInterval: 10, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adamW, learningRate: 2e-3, weightDecay: 0.01)
        configuration.schedule = ScheduleConfiguration(kind: .cosine, warmupSteps: 10)
        configuration.contrastive.batchSize = 32
        configuration.contrastive.data = .init(source: .syntheticShapes, shapesCount: 1024, shapesValidationCount: 100,
                                               shapesCanvas: 32, shapesHeldOutFraction: 0.1)
        configuration.contrastive.architecture = CLIPArchitecture(
            embeddingDimension: 32, vision: .init(imageSize: 32, patchSize: 8, width: 32, layers: 1, heads: 4),
            text: .init(contextLength: 16, width: 32, layers: 1, heads: 4))
        return configuration
    }

    @Test func tinyCLIPFromScratchLearnsShapes() throws {
        let run = try ContrastiveTraining.fromScratch(configuration: Self.configuration(steps: 150),
                                                      tokenizer: try Self.tokenizer.get(), outputDirectory: nil)
        run.trainer.write = { _ in }
        let before = try #require(try run.evaluate())
        let summary = try run.trainer.train()
        let after = summary.validation
        // 100 held-out images of 42 held-out layouts: chance R@1 is about 1/40.
        #expect(after["validation_loss"]! < before["validation_loss"]! - 0.5, "loss \(before["validation_loss"]!) → \(after["validation_loss"]!)")
        #expect(after["t2i_r1"]! >= 0.15, "t2i R@1 \(before["t2i_r1"]!) → \(after["t2i_r1"]!)")
        #expect(after["t2i_r5"]! >= 0.4, "t2i R@5 \(before["t2i_r5"]!) → \(after["t2i_r5"]!)")
        let losses = run.trainer.history.trainingLossPoints.map(\.1)
        #expect(losses.count >= 10 && losses.last! < losses.first! - 0.5, "training loss \(losses.first!) → \(losses.last!)")
    }

    @Test func projectionsOnlyTrainsCLIPProjectionsAndScale() throws {
        var configuration = Self.configuration(steps: 2)
        configuration.contrastive.locking = TowerLocking(projectionsOnly: true)
        let run = try ContrastiveTraining.fromScratch(configuration: configuration, tokenizer: try Self.tokenizer.get(),
                                                      outputDirectory: nil)
        let clip = try #require(run.clip)
        let trainable = Set(clip.namedParameters.filter { $0.parameter.isTrainable }.map(\.name))
        #expect(trainable == ["visual.proj", "text_projection", "logit_scale"])
        let frozen = clip.namedParameters.filter { !$0.parameter.isTrainable }.map { ($0.name, $0.parameter.value.scalars) }
        let projection = clip.parameterDictionary["text_projection"]!.value.scalars
        try run.trainer.train()
        for (name, values) in frozen { #expect(clip.parameterDictionary[name]!.value.scalars == values, "\(name) moved") }
        #expect(clip.parameterDictionary["text_projection"]!.value.scalars != projection)
    }

    @Test func savedCLIPLoadsAsOpenCLIPCheckpoint() throws {
        let run = try ContrastiveTraining.fromScratch(configuration: Self.configuration(steps: 1),
                                                      tokenizer: try Self.tokenizer.get(), outputDirectory: nil)
        run.trainer.write = { _ in }
        try run.trainer.train()
        let folder = try TemporaryFolder()
        let url = folder.file("model.safetensors")
        try run.saveModel(to: url)
        let clip = try #require(run.clip)
        let loaded = try CLIP.load(contentsOf: url, configuration: clip.configuration)
        for (name, parameter) in clip.namedParameters {
            #expect(loaded.parameterDictionary[name]!.value.scalars == parameter.value.scalars, "\(name)")
        }
        // The text encoder cuts padding after the batch's longest caption without changing features.
        let encoder = CLIPTextEncoder(clip.textTower, tokenizer: try Self.tokenizer.get())
        let captions = ["a red circle left of a blue square", "a green triangle above a yellow circle"]
        let cut = try encoder.embed(captions, batchSize: 8)
        let full = clip.encodeText(try Self.tokenizer.get().tokenize(captions, contextLength: 16).rowsOfInts, normalize: false)
        #expect(cut.shape == full.shape)
        for (a, b) in zip(cut.scalars, full.scalars) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
    }

    /// `contrastive.model` as a checkpoint path: a CLIP saved by a run (OpenCLIP names; heads of
    /// width 32, given to the loader as `model_head_width`) is read back and fine-tuned LiT-style.
    @Test func fineTunesACheckpointPathWithTheImageTowerLocked() throws {
        var configuration = Self.configuration(steps: 2)
        configuration.contrastive.architecture.vision = .init(imageSize: 32, patchSize: 8, width: 64, layers: 1, heads: 2)
        configuration.contrastive.architecture.text = .init(contextLength: 16, width: 64, layers: 1, heads: 2)
        let tokenizer = try Self.tokenizer.get()
        let original = try ContrastiveTraining.fromScratch(configuration: configuration, tokenizer: tokenizer, outputDirectory: nil)
        let folder = try TemporaryFolder()
        let url = folder.file("tiny.safetensors")
        try original.saveModel(to: url)

        configuration.task = .contrastive
        configuration.contrastive.model = url.path
        configuration.contrastive.locking = .lockedImage
        configuration.contrastive.modelHeadWidth = 32
        configuration.contrastive.modelActivation = .gelu
        // Resolved through the model registry, as `clipkit train` does.
        let run = try ContrastiveTraining.prepare(configuration: configuration, outputDirectory: nil).run
        let clip = try #require(run.clip)
        #expect(clip.configuration == original.clip!.configuration && run.base?.identity.preprocessing?.imageSize == 32)
        run.trainer.write = { _ in }
        let visual = clip.namedParameters.filter { $0.name.hasPrefix("visual.") }.map(\.parameter.value.scalars)
        let text = clip.parameterDictionary["text_projection"]!.value.scalars
        try run.trainer.train()
        #expect(clip.namedParameters.filter { $0.name.hasPrefix("visual.") }.map(\.parameter.value.scalars) == visual)
        #expect(clip.parameterDictionary["text_projection"]!.value.scalars != text)
        #expect(!run.trainer.source.preparesImages)  // the locked ViT's features were computed once
    }

    /// The modified-ResNet tower as a training `ImageTower`: on the tape it gives OpenCLIP's image
    /// features (`clip_models/resnet_gelu`, written by `scripts/fixtures/clip_models.py` with
    /// open_clip_torch 3.3.0; max |Δ| ≤ 1e-4 · max |ref|, the Models parity bar) and every weight
    /// receives a gradient; it has no separate output projection.
    @Test func modifiedResNetTowerMatchesOpenCLIPOnTheTape() throws {
        let fixtures = TestPaths.fixtures.appendingPathComponent("clip_models")
        let clip = try CLIP.load(contentsOf: fixtures.appendingPathComponent("resnet_gelu.safetensors"), activation: .gelu, headWidth: 8)
        let reference = try SafetensorsFile(contentsOf: fixtures.appendingPathComponent("resnet_gelu.reference.safetensors"))
        let tower = clip.imageTower
        #expect(tower.projectionPaths.isEmpty && tower.embeddingWidth == 24)
        let features = tower(Variable(try reference.tensor(named: "images")))
        let expected = try reference.tensor(named: "image_features")
        let difference = features.value.maxAbsoluteDifference(expected) / expected.abs().max()
        #expect(difference <= 1e-4, "max|Δ|/max|ref| = \(difference)")
        features.squared().sum().backward()
        for (name, parameter) in tower.namedParameters where parameter.isTrainable {
            let gradient = try #require(parameter.gradient, "no gradient for \(name)")
            #expect(gradient.abs().max() > 0, "zero gradient for \(name)")
        }
    }

    /// A Hugging Face folder as `contrastive.model` (`clip_models/hf_clip`, transformers 5.23.0):
    /// it loads with its own pooling and image size; its 512-token vocabulary cannot take the
    /// CLIP tokenizer's ids, which fine-tuning refuses up front instead of failing mid-step.
    @Test func huggingFaceFolderLoadsAndSmallVocabularyIsRefused() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("clip_models/hf_clip")
        let model = try ModelRegistry.load(folder.path)
        let clip = try #require(model.weights as? CLIP)
        #expect(clip.configuration.text.pooling == .firstOccurrence(of: 3) && model.identity.preprocessing?.imageSize == 32)
        #expect(throws: TrainingError.self) {
            try ContrastiveTraining.fineTuning(model, configuration: Self.configuration(steps: 1), outputDirectory: nil)
        }
    }
}

extension CLIPTokenBatch {
    var rowsOfInts: [[Int]] { (0..<count).map { row($0).map { Int($0) } } }
}
