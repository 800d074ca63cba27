import CLIPKit
import Foundation
import Generation
import Tensor
import Training

extension TrainCommand {
    /// Task `text2face`: train the text → w mapping through the frozen generator and supervisor,
    /// save the model folder (`model/` under the output, loadable by `TrainedTextToFace.load` and
    /// `clipkit generate --model RUN --text …`) and a grid of faces for held-out captions
    /// (`samples.png`, one row per caption, `samples.txt` lists the captions).
    func runTextToFace(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        let start = Date()
        let training = try TextToFaceTraining(configuration: configuration, outputDirectory: output)
        training.trainer.interruption = interruption
        let task = configuration.text2face
        print("text2face: \(training.captions.count) training captions (s from \(task.textModel), width \(training.mapping.textWidth)), "
              + "\(training.validationCaptions.count) held-out captions scored each epoch; supervision \(task.supervision.rawValue); "
              + "generator \(training.generator.configuration.size)×\(training.generator.configuration.size); "
              + "\(training.mapping.trainableParameters.reduce(0) { $0 + $1.value.count }) trainable parameters, "
              + "\(ThreadPolicy.threadCount) threads; set up in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        try beginRun(configuration, output: output) { try training.trainer.resume(from: $0) }
        let summary = try training.trainer.train(stopStep: runOptions.stopAtStep)
        let model = output.appendingPathComponent("model", isDirectory: true)
        try training.saveModel(to: model)
        let trained = try TrainedTextToFace.load(from: model, textEncoder: training.textEncoder)
        let captions = Array(training.validationCaptions.prefix(max(1, task.sampleCount / 4)))
        let grid = try TextToFaceSampling(model: trained, modelName: output.path)
            .grid(captions: captions, perCaption: 4, seed: configuration.seed)
        try grid.write(to: output.appendingPathComponent("samples.png"))
        try (captions.joined(separator: "\n") + "\n").write(to: output.appendingPathComponent("samples.txt"), atomically: true, encoding: .utf8)
        print(String(format: "final loss %.4f%@; model in %@; wall time %.1f s", summary.finalLoss ?? .nan,
                     summary.validation["validation_loss"].map { String(format: ", validation loss %.4f", $0) } ?? "",
                     model.path, Date().timeIntervalSince(start)))
        for name in ["validation_kl", "validation_trl", "validation_similarity", "validation_attribute_agreement", "validation_mean_norm",
                     "validation_noise_norm"] {
            if let value = summary.validation[name] { print(String(format: "%@ %.4f", name, value)) }
        }
    }
}
