import Autograd
import Foundation
import Imaging
import Models
import NN
import Optim
import Tensor
import Testing
@testable import Training

/// A flattening image encoder: `[B, 3, 12, 12]` → Linear → ReLU.
struct ToyImageTower: ImageEncoder {
    @Key("layer") var layer: Linear
    init(generator: inout SeededGenerator) { layer = Linear(inFeatures: 3 * 12 * 12, outFeatures: 48, generator: &generator) }
    var embeddingWidth: Int { 48 }
    var inputSize: Int? { 12 }
    func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        ImageEncoding(pooled: layer(images.reshaped([images.shape[0], -1])).relu())
    }
}

/// A text encoder summing embeddings of (word, position) pairs over a fixed vocabulary.
struct ToyTextTower: TextEncoder {
    static let vocabulary = ["a", "red", "green", "blue", "yellow", "purple", "circle", "square", "triangle",
                             "left", "right", "of", "above", "below"]
    static let positions = 10
    @Key("table") var table: Embedding
    init(generator: inout SeededGenerator) {
        table = Embedding(vocabulary: Self.vocabulary.count * Self.positions, width: 48)
        table.weight.value = Tensor.randomNormal([Self.vocabulary.count * Self.positions, 48], standardDeviation: 0.1,
                                                 generator: &generator)
    }
    var embeddingWidth: Int { 48 }
    func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let rows = texts.map { text in
            let words = text.split(separator: " ").map(String.init)
            return (0..<Self.positions).map { position in
                position < words.count ? Self.vocabulary.firstIndex(of: words[position]) ?? 0 : 0
            }
        }
        return TokenizedTexts(ids: rows, lengths: rows.map(\.count))
    }
    func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        let rows = tokens.ids.flatMap { words in words.enumerated().map { $0.element * Self.positions + $0.offset } }
        return TextEncoding(pooled: table(rows).reshaped([tokens.count, Self.positions, 48]).sum(alongAxis: 1), tokens: tokens)
    }
}

/// The InfoNCE plumbing over towers given as protocols: the loss falls and retrieval improves on
/// synthetic shapes, locking freezes a tower (LiT), and the logit scale stays clamped.
@Suite struct ContrastiveTests {
    static let preprocessing = Preprocessing(imageSize: 12, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5],
                                             interpolation: .bilinear, resizeMode: .squash)

    static func setUp(locking: TowerLocking, steps: Int) throws -> (ContrastiveModel, Trainer<CaptionedBatchSource>) {
        var configuration = TrainingConfiguration(task: .clipFromScratch, seed: 2)
        configuration.training = LoopConfiguration(steps: steps, logInterval: 10, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adamW, learningRate: 3e-3, weightDecay: 0)
        configuration.contrastive.batchSize = 32
        configuration.contrastive.data = .init(source: .syntheticShapes, shapesCount: 640, shapesValidationCount: 64,
                                               shapesCanvas: 48, shapesHeldOutFraction: 0.1)
        var generator = SeededGenerator(seed: 8)
        let model = ContrastiveModel(imageEncoder: ToyImageTower(generator: &generator), textEncoder: ToyTextTower(generator: &generator),
                                     embeddingWidth: 32, locking: locking, generator: &generator)
        let trainer = try ContrastiveTraining.makeTrainer(configuration: configuration, model: model,
                                                          preprocessing: Self.preprocessing, outputDirectory: nil)
        trainer.write = { _ in }
        return (model, trainer)
    }

    @Test func infoNCETrainingImprovesRetrieval() throws {
        let (_, trainer) = try Self.setUp(locking: TowerLocking(), steps: 100)
        let before = try #require(trainer.validation).run()
        let summary = try trainer.train()
        let after = summary.validation
        #expect(after["validation_loss"]! < before["validation_loss"]! - 0.3, "loss \(before["validation_loss"]!) → \(after["validation_loss"]!)")
        #expect(after["i2t_r5"]! > before["i2t_r5"]! + 0.1, "i2t R@5 \(before["i2t_r5"]!) → \(after["i2t_r5"]!)")
        #expect(after["t2i_r5"]! > before["t2i_r5"]! + 0.1, "t2i R@5 \(before["t2i_r5"]!) → \(after["t2i_r5"]!)")
    }

    @Test func lockedImageTowerStaysFixed() throws {
        let (model, trainer) = try Self.setUp(locking: .lockedImage, steps: 5)
        let imageWeights = model.imageEncoder.namedParameters.map { $0.parameter.value.scalars }
        let textWeights = model.textEncoder.namedParameters.map { $0.parameter.value.scalars }
        #expect(!model.trainableParameters.contains { parameter in model.imageEncoder.namedParameters.contains { $0.parameter === parameter } })
        try trainer.train()
        #expect(model.imageEncoder.namedParameters.map { $0.parameter.value.scalars } == imageWeights)
        #expect(model.textEncoder.namedParameters.map { $0.parameter.value.scalars } != textWeights)
        #expect(model.imageProjection!.weight.value.scalars != [])
    }

    @Test func logitScaleIsClampedAfterEachStep() throws {
        let (model, trainer) = try Self.setUp(locking: TowerLocking(projectionsOnly: true), steps: 1)
        model.logScale.value = Tensor(scalar: 9)
        try trainer.train()
        #expect(model.logScale.value.item <= Float(log(100.0)) + 1e-6)
        #expect(model.trainableParameters.count == 3)  // two projections and the logit scale
    }
}
