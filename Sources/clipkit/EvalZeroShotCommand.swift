import ArgumentParser
import CLIPKit
import Datasets
import Evaluation
import Foundation
import Training

/// `clipkit eval zeroshot`: zero-shot top-1/top-5 and per-class accuracy on Fashion-MNIST.
struct EvalZeroShotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zeroshot",
        abstract: "Zero-shot classification accuracy of an image–text model.",
        discussion: """
            Each class becomes the normalised mean embedding of its prompts (every template filled \
            with the class's prompt name); an image is assigned softmax(logit scale · cosine) over the \
            classes. Reports top-1, top-5, per-class accuracy and the confusion matrix.
            Data sets: fashion-mnist (Debian's idx files; prompt names t-shirt, pair of trousers, \
            pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot).
            Templates: --templates photo|clothing|imagenet-simple|imagenet-openai, or --template \
            (repeatable) for your own, {} marking the class name.
            Example: clipkit eval zeroshot --model clipkit-default --dataset fashion-mnist --limit 1000
            """)

    @OptionGroup var modelOptions: ModelOptionGroup

    @Option(help: "Data set: fashion-mnist.")
    var dataset = "fashion-mnist"

    @Option(help: "Split: test or train.")
    var split = FashionMNIST.Split.test.rawValue

    @Option(help: "Evaluate only the first N images of the split.")
    var limit: Int?

    @Option(help: "Named template set: \(ZeroShotTemplates.names.joined(separator: ", ")) (default: CLIP's 80, the best of these on 500 training images with clipkit-default).")
    var templates = "imagenet-openai"

    @Option(name: .customLong("template"), help: "A prompt template with {} (repeatable; replaces --templates).")
    var customTemplates: [String] = []

    @Option(help: "Folder holding the Fashion-MNIST idx files.", completion: .directory)
    var data: String = FashionMNIST.defaultDirectory.path

    @Option(help: "Images per forward pass.")
    var batchSize = 32

    @Option(help: "Also write the report as JSON to this file (- for standard output instead of the text report).")
    var json: String?

    func validate() throws {
        guard dataset == "fashion-mnist" else { throw ValidationError("unknown data set \(dataset); known: fashion-mnist") }
        guard FashionMNIST.Split(rawValue: split) != nil else { throw ValidationError("--split must be test or train") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let images = try FashionMNIST.load(split: FashionMNIST.Split(rawValue: split)!, directory: URL(fileURLWithPath: data, isDirectory: true))
        let templateList = customTemplates.isEmpty ? try ZeroShotTemplates.templates(named: templates) : customTemplates
        let loaded = try modelOptions.load()
        let classifier = try ZeroShotClassifier(model: loaded, labels: FashionMNIST.promptNames, templates: templateList)
        let evaluation = ZeroShotEvaluation(model: loaded, classifier: classifier, batchSize: batchSize)
        let total = min(limit ?? images.count, images.count)
        let bar = ProgressBar(label: "zero-shot \(dataset) \(split)", total: total)
        let start = Date()
        let accuracy = try evaluation.run(on: images, limit: limit, progress: { done, _ in bar.update(done) })
        bar.finish(accuracy.count)
        let report = ClassificationReport(
            model: loaded.identity.name, dataset: "\(dataset) \(split)", accuracy: accuracy, classNames: FashionMNIST.classNames,
            promptNames: FashionMNIST.promptNames, templates: templateList, seconds: Date().timeIntervalSince(start))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(report) + Data("\n".utf8)
            if json == "-" {
                FileHandle.standardOutput.write(data)
                return
            }
            try data.write(to: URL(fileURLWithPath: json), options: .atomic)
        }
        printText(report)
    }

    func printText(_ report: ClassificationReport) {
        print("\(report.model) on \(report.dataset): \(report.examples) images, \(report.templates.count) template(s), "
              + String(format: "%.1f s (%.1f images/s)", report.seconds, report.imagesPerSecond))
        for key in report.accuracy.keys.sorted(by: { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }) {
            print(String(format: "  %@ accuracy %.2f%%", key, 100 * report.accuracy[key]!))
        }
        print(String(format: "  balanced (mean per-class) %.2f%%", 100 * report.balancedAccuracy))
        let width = report.classes.map(\.name.count).max() ?? 0
        for (index, result) in report.classes.enumerated() {
            let row = report.confusion[index]
            let mostConfused = row.indices.filter { $0 != index }.max { row[$0] < row[$1] }
            var line = "  " + result.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %6.2f%% of %d", 100 * result.top1, result.count)
            if let other = mostConfused, row[other] > 0 {
                line += "  (most often taken for \(report.classes[other].name): \(row[other]))"
            }
            print(line)
        }
        if json != nil && json != "-" { print("report written to \(json!)") }
    }
}
