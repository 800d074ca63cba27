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
    func runContrastive(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        let start = Date()
        let (run, zeroShot) = try ContrastiveTraining.prepare(configuration: configuration, outputDirectory: output)
        run.trainer.interruption = interruption
        if let zeroShot { print("default model (ConSE) zero-shot: " + Self.describe(zeroShot)) }
        let trainer = run.trainer
        let trainable = run.model.trainableParameters.reduce(0) { $0 + $1.value.count }
        let total = run.model.namedParameters.reduce(0) { $0 + $1.parameter.value.count }
        print("\(configuration.task.rawValue): \(trainer.source.captions.count) training pairs, \(trainable) of \(total) "
              + "parameters trainable, batch \(configuration.contrastive.batchSize), \(ThreadPolicy.threadCount) threads")
        try beginRun(configuration, output: output) { try trainer.resume(from: $0) }
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
