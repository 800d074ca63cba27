import Foundation
import Generation
import Imaging
import Tensor
import Testing
import Training

/// Seconds-long runs of the two training tasks on three ORL people (`data/orl-faces`, 16 px grey):
/// a text-conditioned U-Net from scratch, then an IP-Adapter with the self-attention aggregator on
/// its frozen U-Net (leave-one-out references, Eq. 1). Each lowers the held-out denoising loss;
/// the saved folders load back and generate with every aggregation.
@Suite(.serialized) struct DiffusionTrainingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func configuration(task: TrainingConfiguration.Task, root: URL, base: URL? = nil) throws -> TrainingConfiguration {
        let unet = root.appendingPathComponent("unet.json")
        try Data("""
            {"sample_size": 16, "in_channels": 1, "out_channels": 1, "block_out_channels": [16, 32], "layers_per_block": 1,
             "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"], "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
             "cross_attention_dim": 384, "attention_head_dim": 8, "norm_num_groups": 8}
            """.utf8).write(to: unet)
        let faces = repository.appendingPathComponent("data/orl-faces")
        var configuration = TrainingConfiguration(task: task, seed: 3)
        configuration.training.steps = 25
        configuration.training.quiet = true
        configuration.optimizer.learningRate = 2e-3
        configuration.diffusion = DiffusionTaskConfiguration(
            data: .init(personFolders: faces.path, attributes: faces.appendingPathComponent("attributes.csv").path, people: [0, 3],
                        validationPeople: [3, 5], imageSize: 16, channels: 1),
            unetConfig: unet.path, baseModel: base?.path, contextLength: 16, batchSize: 8,
            adapter: .init(tokens: 2, references: "leave_one_out", aggregation: "attention", heads: 4))
        return configuration
    }

    @Test func bothTasksLowerTheHeldOutLossAndTheirFoldersGenerate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("diffusion-training-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        let base = try DiffusionTraining(configuration: try Self.configuration(task: .diffusion, root: root), outputDirectory: nil,
                                         write: { _ in })
        let validation = try #require(base.trainer.validation)
        let before = try #require(try validation.run()["validation_loss"])
        _ = try base.trainer.train()
        let after = try #require(try validation.run()["validation_loss"])
        #expect(after < before * 0.8, "validation loss \(before) → \(after)")
        let baseFolder = root.appendingPathComponent("base")
        try base.saveModel(to: baseFolder)

        let adapterTraining = try DiffusionTraining(configuration: try Self.configuration(task: .ipAdapter, root: root, base: baseFolder),
                                                    outputDirectory: nil, write: { _ in })
        #expect(adapterTraining.aggregator != nil)
        let frozen = adapterTraining.unet.namedParameters.map { $0.parameter.value.scalars }
        let adapterValidation = try #require(adapterTraining.trainer.validation)
        let adapterBefore = try #require(try adapterValidation.run()["validation_loss"])
        _ = try adapterTraining.trainer.train()
        let adapterAfter = try #require(try adapterValidation.run()["validation_loss"])
        #expect(adapterAfter < adapterBefore, "adapter validation loss \(adapterBefore) → \(adapterAfter)")
        #expect(adapterTraining.unet.namedParameters.map { $0.parameter.value.scalars } == frozen, "the U-Net must stay frozen")
        let adapterFolder = root.appendingPathComponent("adapter")
        try adapterTraining.saveModel(to: adapterFolder)

        let model = try DiffusionModel.loadTrained(directory: adapterFolder)
        #expect(model.aggregatorReferenceCount == 9)
        let decoder = ImageDecoder()
        let photos = try (1...4).map { try decoder.decode(contentsOf: Self.repository.appendingPathComponent("data/orl-faces/s40/\($0).png")) }
        for aggregation in ImagePromptAggregation.allCases {
            let settings = GenerationSettings(prompt: "a photo of a man with short dark hair", aggregation: aggregation, guidance: 2,
                                              steps: 3, sampler: .ddpm, seed: 1)
            let images = try model.generate(settings, references: photos)
            #expect(images.shape == [1, 1, 16, 16])
            #expect(try model.generate(settings, references: photos).scalars == images.scalars)
        }
    }
}
