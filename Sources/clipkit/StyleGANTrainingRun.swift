import CLIPKit
import Foundation
import Generation
import Tensor
import Training

extension TrainCommand {
    /// Task `stylegan`: train, save the model folder (`model/` under the output, loadable with
    /// `TrainedStyleGAN`) and a grid of samples from the moving-average generator (`samples.png`).
    func runStyleGAN(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        let start = Date()
        let training = try StyleGANTraining(configuration: configuration, outputDirectory: output)
        training.trainer.interruption = interruption
        print("stylegan: \(training.photos.shape[0]) images of \(training.personNames.count) "
              + "\(configuration.stylegan.data.source == .fashionMNIST ? "classes" : "people") at "
              + "\(training.generatorConfiguration.size)×\(training.generatorConfiguration.size), "
              + "\(training.networks.generator.trainableParameters.reduce(0) { $0 + $1.value.count }) generator and "
              + "\(training.networks.discriminator.trainableParameters.reduce(0) { $0 + $1.value.count }) discriminator parameters, "
              + "\(ThreadPolicy.threadCount) threads")
        try beginRun(configuration, output: output) { try training.resume(from: $0) }
        let summary = try training.trainer.train(stopStep: runOptions.stopAtStep)
        let model = output.appendingPathComponent("model", isDirectory: true)
        try training.saveModel(to: model)
        let trained = try TrainedStyleGAN(directory: model)
        let count = configuration.stylegan.sampleCount
        let columns = Int(Double(count).squareRoot().rounded(.up))
        try ImageGeneration.gridPNG(trained.sample(count: count, seed: configuration.seed), columns: columns)
            .write(to: output.appendingPathComponent("samples.png"))
        try ImageGeneration.gridPNG(trained.sample(count: count, seed: configuration.seed, truncation: 0.7), columns: columns)
            .write(to: output.appendingPathComponent("samples-truncated-0.7.png"))
        print(String(format: "final loss (D + G) %.4f; model in %@; samples in %@; wall time %.1f s", summary.finalLoss ?? .nan, model.path,
                     output.appendingPathComponent("samples.png").path, Date().timeIntervalSince(start)))
    }
}
