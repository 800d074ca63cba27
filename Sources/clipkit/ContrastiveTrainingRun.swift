import ArgumentParser
import CLIPKit
import Foundation
import Imaging
import Models
import NN
import Tensor
import Tokenizers
import Training

extension TrainCommand {
    /// The installed CLIP BPE merges (`clip-anytorch`), unless the configuration names a file.
    static func clipTokenizer(_ configuration: TrainingConfiguration) throws -> CLIPTokenizer {
        let path = configuration.contrastive.tokenizer
            ?? InstalledFiles.packages.appendingPathComponent("clip/bpe_simple_vocab_16e6.txt.gz").path
        return try CLIPTokenizer(mergesFile: try InstalledFiles.require(URL(fileURLWithPath: path)))
    }

    /// Builds the run: a random CLIP (`clip_from_scratch`), the default model's towers
    /// (`contrastive.model` "clipkit-default" or "default": EfficientNet-Lite0 pooled features + all-MiniLM-L6-v2,
    /// joined by new projections), a CLIP checkpoint path, or a repository pulled with
    /// `clipkit models pull`.
    static func makeContrastiveRun(_ configuration: TrainingConfiguration, output: URL) throws
        -> (run: ContrastiveRun, zeroShot: [String: Double]?) {
        if configuration.task == .clipFromScratch {
            return (try ContrastiveTraining.fromScratch(configuration: configuration, tokenizer: try clipTokenizer(configuration),
                                                        outputDirectory: output), nil)
        }
        guard let name = configuration.contrastive.model else {
            throw ValidationError("task contrastive needs contrastive.model: \"clipkit-default\" or a CLIP checkpoint path")
        }
        if ["default", "clipkit-default"].contains(name) {
            let image = try EfficientNet(contentsOf: try InstalledFiles.require(InstalledFiles.efficientNetLite0))
            let text = try SentenceTransformer(directory: try InstalledFiles.require(InstalledFiles.allMiniLML6V2))
            let preprocessing = Preprocessing.efficientNetLite(imageSize: 224)
            // The default model as shipped (ConSE over ImageNet labels), before its towers are aligned.
            let zeroShot = try ConSEBaseline.recall(configuration: configuration, classifier: image, textModel: text,
                                                    classNames: try ImageNetZeroShotMetadata.installed().classNames,
                                                    preprocessing: preprocessing)
            if let zeroShot { print("default model (ConSE) zero-shot: " + describe(zeroShot.metrics)) }
            let run = try ContrastiveTraining.withTowers(
                imageTower: EfficientNetImageEncoder(image), textTower: SentenceTextEncoder(text),
                preprocessing: preprocessing, configuration: configuration, outputDirectory: output)
            return (run, zeroShot?.metrics)
        }
        let clip: CLIP, preprocessing: Preprocessing
        if FileManager.default.fileExists(atPath: (name as NSString).expandingTildeInPath) {
            (clip, preprocessing) = try ContrastiveTraining.loadCLIP(
                path: (name as NSString).expandingTildeInPath, activation: configuration.contrastive.modelActivation,
                headWidth: configuration.contrastive.modelHeadWidth)
        } else {
            // A pulled hub repository (ORG/NAME[@REV]), through the facade like every other command.
            guard let loaded = try ModelLoader.load(name) as? CLIPModel, let recorded = loaded.identity.preprocessing else {
                throw ValidationError("contrastive.model \(name) is not a CLIP model; fine-tuning takes a CLIP checkpoint or \"clipkit-default\"")
            }
            (clip, preprocessing) = (loaded.network, recorded)
        }
        return (try ContrastiveTraining.fineTuning(clip, tokenizer: try clipTokenizer(configuration), preprocessing: preprocessing,
                                                   configuration: configuration, outputDirectory: output), nil)
    }

    func runContrastive(_ configuration: TrainingConfiguration, output: URL) throws {
        let start = Date()
        let (run, zeroShot) = try Self.makeContrastiveRun(configuration, output: output)
        let trainer = run.trainer
        let trainable = run.model.trainableParameters.reduce(0) { $0 + $1.value.count }
        let total = run.model.namedParameters.reduce(0) { $0 + $1.parameter.value.count }
        print("\(configuration.task.rawValue): \(trainer.source.captions.count) training pairs, \(trainable) of \(total) "
              + "parameters trainable, batch \(configuration.contrastive.batchSize), \(ThreadPolicy.threadCount) threads")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try configuration.encoded().write(to: output.appendingPathComponent("configuration.json"))
        if let resume = runOptions.resume {
            let stored = try trainer.resume(from: URL(fileURLWithPath: resume))
            warnIfDifferent(stored: stored, current: configuration)
        }
        let before = trainer.step == 0 ? try run.evaluate() : nil
        if let before { print("before training: " + Self.describe(before)) }
        try trainer.train(stopStep: runOptions.stopAtStep)
        try run.saveModel(to: output.appendingPathComponent("model.safetensors"))
        let after = try run.evaluate()
        if let after { print("after \(trainer.step) steps: " + Self.describe(after)) }
        let report = ContrastiveRun.Report(zeroShot: zeroShot, before: before, after: after, steps: trainer.step,
                                           wallSeconds: Date().timeIntervalSince(start),
                                           trainingPairs: trainer.source.captions.count, trainableParameters: trainable)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: output.appendingPathComponent("evaluation.json"))
        print(String(format: "wall time %.1f s; outputs in %@", Date().timeIntervalSince(start), output.path))
    }

    static func describe(_ metrics: [String: Double]) -> String {
        ["i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5", "validation_loss"].compactMap { key in
            metrics[key].map { String(format: "%@ %.4f", key, $0) }
        }.joined(separator: ", ")
    }
}
