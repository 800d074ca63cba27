import CLIPKit
import Foundation
import Generation
import Tensor
import Training

extension TrainCommand {
    /// Tasks `diffusion` and `ip_adapter`: train, save the model folder (`model/` under the output,
    /// loadable by `clipkit generate --model`), and a sheet of samples for the validation people.
    func runDiffusion(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        let start = Date()
        let training = try DiffusionTraining(configuration: configuration, outputDirectory: output)
        print("\(configuration.task.rawValue): \(training.faces.count) training photos of \(training.faces.groupNames.count) people, "
              + "\(training.faces.captionTexts.count) captions, \(training.trainer.model.trainableParameters.reduce(0) { $0 + $1.value.count }) "
              + "trainable parameters, \(ThreadPolicy.threadCount) threads")
        training.trainer.interruption = interruption
        try beginRun(configuration, output: output) { try training.trainer.resume(from: $0) }
        let summary = try training.trainer.train(stopStep: runOptions.stopAtStep)
        let model = output.appendingPathComponent("model", isDirectory: true)
        try training.saveModel(to: model)
        print(String(format: "final loss %.4f%@; model in %@; wall time %.1f s", summary.finalLoss ?? .nan,
                     summary.validation["validation_loss"].map { String(format: ", validation loss %.4f", $0) } ?? "", model.path,
                     Date().timeIntervalSince(start)))
    }
}
