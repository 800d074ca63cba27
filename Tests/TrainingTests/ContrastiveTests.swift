import Autograd
import Foundation
import Imaging
import NN
import Optim
import Tensor
import Testing
@testable import Training

/// A flattening image tower: `[B, 3, 12, 12]` → Linear → ReLU.
struct ToyImageTower: ImageTower {
    @Key("layer") var layer: Linear
    init(generator: inout SeededGenerator) { layer = Linear(inFeatures: 3 * 12 * 12, outFeatures: 48, generator: &generator) }
    var featureWidth: Int { 48 }
    func features(_ images: Variable) -> Variable {
        layer(images.reshaped([images.shape[0], -1])).relu()
    }
}

/// A text tower summing embeddings of (word, position) pairs over a fixed vocabulary.
struct ToyTextTower: TextTower {
    static let vocabulary = ["a", "red", "green", "blue", "yellow", "purple", "circle", "square", "triangle",
                             "left", "right", "of", "above", "below"]
    static let positions = 10
    @Key("table") var table: Embedding
    init(generator: inout SeededGenerator) {
        table = Embedding(vocabulary: Self.vocabulary.count * Self.positions, width: 48)
        table.weight.value = Tensor.randomNormal([Self.vocabulary.count * Self.positions, 48], standardDeviation: 0.1,
                                                 generator: &generator)
    }
    var featureWidth: Int { 48 }
    func features(_ texts: [String]) -> Variable {
        var rows: [Int] = []
        for text in texts {
            let words = text.split(separator: " ").map(String.init)
            for position in 0..<Self.positions {
                let word = position < words.count ? Self.vocabulary.firstIndex(of: words[position]) ?? 0 : 0
                rows.append(word * Self.positions + position)
            }
        }
        return table(rows).reshaped([texts.count, Self.positions, 48]).sum(alongAxis: 1)
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
        let model = ContrastiveModel(imageTower: ToyImageTower(generator: &generator), textTower: ToyTextTower(generator: &generator),
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
        let imageWeights = model.imageTower.namedParameters.map { $0.parameter.value.scalars }
        let textWeights = model.textTower.namedParameters.map { $0.parameter.value.scalars }
        #expect(!model.trainableParameters.contains { parameter in model.imageTower.namedParameters.contains { $0.parameter === parameter } })
        try trainer.train()
        #expect(model.imageTower.namedParameters.map { $0.parameter.value.scalars } == imageWeights)
        #expect(model.textTower.namedParameters.map { $0.parameter.value.scalars } != textWeights)
        #expect(model.imageProjection!.weight.value.scalars != [])
    }

    @Test func logitScaleIsClampedAfterEachStep() throws {
        let (model, trainer) = try Self.setUp(locking: TowerLocking(projectionsOnly: true), steps: 1)
        model.logScale.value = Tensor(scalar: 9)
        try trainer.train()
        #expect(model.logScale.value.item <= Float(log(100.0)) + 1e-6)
        #expect(model.trainableParameters.count == 3)  // two projections and the logit scale
    }

    @Test func recallTreatsRepeatedCaptionsAsCorrect() {
        let images = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 0])
        let texts = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 0.8, 0.6])
        // Image 2 equals image 0, so its best text is text 0: correct only when captions 0 and 2 agree.
        let repeated = ContrastiveEvaluation.recall(images: images, texts: texts, captions: ["x", "y", "x"], ks: [1, 2])
        #expect(repeated.imageToText == [1: 1, 2: 1] && repeated.textToImage == [1: 1, 2: 1])
        let unique = ContrastiveEvaluation.recall(images: images, texts: texts, captions: ["x", "y", "z"], ks: [1, 2])
        #expect(unique.imageToText == [1: 2.0 / 3.0, 2: 1])
        // Text 2 ranks images 0 and 2 (0.8 each; lower index first), then image 1.
        #expect(unique.textToImage == [1: 2.0 / 3.0, 2: 1])
    }
}
