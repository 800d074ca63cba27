import CLIPKit
import Foundation
import Generation
import Tensor
import Training

extension TrainCommand {
    /// Task `captioner`: train the text-to-face captioner, fit the face attribute classifier, save
    /// both (`model/` under the output, loadable by `TrainedCaptioner.load` and `clipkit eval
    /// captions --model`), and evaluate them on the validation people (`evaluation.json`).
    func runCaptioner(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        let start = Date()
        let training = try CaptionerTraining(configuration: configuration, outputDirectory: output)
        let data = configuration.captioner.data
        print("captioner: \(training.faces.count) training images of \(training.faces.groupNames.count) \(data.source == .fashionMNIST ? "classes" : "people"), \(training.pairs.count) "
              + "(photo, caption) pairs, \(training.vocabulary.count) words, \(training.encoder.regionCount) regions of "
              + "\(training.encoder.featureWidth), \(training.decoder.trainableParameters.reduce(0) { $0 + $1.value.count }) trainable "
              + "parameters, \(ThreadPolicy.threadCount) threads; features cached in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        training.trainer.interruption = interruption
        try beginRun(configuration, output: output) { try training.trainer.resume(from: $0) }
        let summary = try training.trainer.train(stopStep: runOptions.stopAtStep)
        let attributes = try training.fitAttributeClassifier()
        let model = output.appendingPathComponent("model", isDirectory: true)
        try training.saveModel(to: model, attributeClassifier: attributes.classifier)
        print(String(format: "final loss %.4f%@; attribute classifier training loss %.4f → %.4f; model in %@", summary.finalLoss ?? .nan,
                     summary.validation["validation_loss"].map { String(format: ", validation loss %.4f", $0) } ?? "",
                     attributes.losses.first ?? .nan, attributes.losses.last ?? .nan, model.path))
        var report: CaptionerEvaluation.Report?
        switch data.source {
        case .personFolders:
            report = try data.validationPeople.map { people in
                try CaptionerEvaluation.evaluate(model: model, personFolders: URL(fileURLWithPath: data.personFolders, isDirectory: true),
                                                 attributeTable: URL(fileURLWithPath: data.attributes), people: people[0]..<people[1],
                                                 beamWidth: configuration.captioner.beamWidth)
            }
        case .fashionMNIST:
            report = try data.validationItems.map { items in
                try CaptionerEvaluation.evaluate(model: model, fashionMNIST: URL(fileURLWithPath: data.fashionMNISTFolder, isDirectory: true),
                                                 items: items[0]..<items[1], beamWidth: configuration.captioner.beamWidth)
            }
        }
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: output.appendingPathComponent("evaluation.json"))
            printCaptionerReport(report)
        }
        print(String(format: "wall time %.1f s", Date().timeIntervalSince(start)))
    }
}

/// The text lines of a captioner evaluation (shared by `train` and `eval captions`).
func printCaptionerReport(_ report: CaptionerEvaluation.Report) {
    func bleu(_ scores: [Double]) -> String { scores.enumerated().map { String(format: "BLEU-%d %.4f", $0 + 1, $1) }.joined(separator: ", ") }
    print("held-out \(report.people): \(report.photos) photos")
    print("greedy: \(bleu(report.greedyBLEU))")
    print("beam \(report.beamWidth): \(bleu(report.beamBLEU))")
    print("greedy vs the next person's references (template-only control): \(bleu(report.mismatchedGreedyBLEU))")
    for example in report.examples.prefix(3) {
        print("  \(example.photo): greedy \"\(example.greedy)\"; beam \"\(example.beam)\"; reference \"\(example.reference)\"")
    }
    for attribute in report.attributes ?? [] {
        print(String(format: "attribute %@: accuracy %.4f (majority rate %.4f, %d positives)", attribute.attribute, attribute.accuracy,
                     attribute.majorityRate, attribute.positives))
    }
}
