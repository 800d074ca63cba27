import ArgumentParser
import CLIPKit
import Datasets
import Evaluation
import Foundation
import Models

/// `clipkit eval zeroshot`: zero-shot top-1/top-5 and per-class accuracy on a labelled image set.
struct EvalZeroShotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zeroshot",
        abstract: "Zero-shot classification accuracy of an image–text model on a labelled image set.",
        discussion: """
            Each class becomes the normalised mean embedding of its prompts (every template filled \
            with the class's prompt name); an image is assigned softmax(logit scale · cosine) over the \
            classes. Reports top-1, top-5, per-class accuracy and the confusion matrix.

            Data sets:
              fashion-mnist   Debian's idx files (--split, --data); prompt names t-shirt, pair of
                              trousers, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot
              DIR             class folders DIR/<class>/<image> (CIFAR-10 or ImageNet-val exported
                              as folders); class names are the folder names, or --class-names FILE
                              (one name per line in folder order, or "folder<TAB>name" lines), or
                              --class-names imagenet (the 1000 ImageNet names in --language, for
                              ImageNet-val folders in label order)
            Templates: --templates photo|clothing|imagenet-simple|imagenet-openai, --templates-file \
            FILE (one per line), or --template (repeatable), {} marking the class name.
            --language zh reads the ImageNet names and the imagenet-openai and photo templates in \
            Chinese, as cn_clip's own zero-shot evaluation of Chinese-CLIP models does.
            --benchmark-json writes CLIP_benchmark's result layout (acc1, acc5, mean_per_class_recall), \
            so the numbers merge into CLIP_benchmark tables.

            Examples:
              clipkit eval zeroshot --dataset fashion-mnist --limit 1000
              clipkit eval zeroshot --dataset ~/data/cifar10/test --templates photo \\
                --model ViT-B-32/openai --benchmark-json cifar10.json
              clipkit eval zeroshot --dataset ~/data/imagenet/val --class-names imagenet \\
                --language zh --model clip_cn_vit-b-16.pt
            """)

    @OptionGroup var modelOptions: ModelOptionGroup

    @Option(help: ArgumentHelp("fashion-mnist, or a folder of class folders.", valueName: "name|folder"), completion: .directory)
    var dataset = "fashion-mnist"

    @Option(help: "Fashion-MNIST split: test or train.")
    var split = FashionMNIST.Split.test.rawValue

    @Option(help: "Folder holding the Fashion-MNIST idx files.", completion: .directory)
    var data: String = FashionMNIST.defaultDirectory.path

    @Option(help: ArgumentHelp("Class folders: a file of class names (one per line in folder order, or folder<TAB>name).",
                               valueName: "file"), completion: .file())
    var classNames: String?

    @Option(help: ArgumentHelp("Language of the ImageNet names and templates: en, or zh (cn_clip's Chinese ones).", valueName: "language"))
    var language = "en"

    @Option(help: "Evaluate only the first N images.")
    var limit: Int?

    @Option(help: "Named template set: \(ZeroShotTemplates.names.joined(separator: ", ")) (default: CLIP's 80, the best of these on 500 Fashion-MNIST training images with clipkit-default).")
    var templates = "imagenet-openai"

    @Option(help: ArgumentHelp("A file of prompt templates, one per line, {} marking the class name (replaces --templates).",
                               valueName: "file"), completion: .file())
    var templatesFile: String?

    @Option(name: .customLong("template"), help: "A prompt template with {} (repeatable; replaces --templates).")
    var customTemplates: [String] = []

    @Option(help: "Images per forward pass.")
    var batchSize = 32

    @Option(help: "Also write the report as JSON to this file (- for standard output instead of the text report).")
    var json: String?

    @Option(help: ArgumentHelp("Also write the result in CLIP_benchmark's JSON layout to this file.", valueName: "file"))
    var benchmarkJSON: String?

    @Option(help: ArgumentHelp("The dataset name in --benchmark-json (default: fashion_mnist or the folder's name).", valueName: "name"))
    var datasetName: String?

    var isFashionMNIST: Bool { dataset == "fashion-mnist" }

    func validate() throws {
        guard FashionMNIST.Split(rawValue: split) != nil else { throw ValidationError("--split must be test or train") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard templatesFile == nil || customTemplates.isEmpty else { throw ValidationError("give --templates-file or --template, not both") }
        guard classNames == nil || !isFashionMNIST else { throw ValidationError("--class-names goes with a folder of class folders") }
        guard ImageNetLanguage(named: language) != nil else { throw ValidationError("--language must be en or zh, got \(language)") }
    }

    func run() throws {
        let images: any LabeledImageSource, name: String
        var promptNames: [String]
        if isFashionMNIST {
            images = try FashionMNIST.load(split: FashionMNIST.Split(rawValue: split)!, directory: URL(fileURLWithPath: data, isDirectory: true))
            (promptNames, name) = (FashionMNIST.promptNames, "fashion_mnist")
        } else {
            let root = CollectionSourceOptions.url(dataset)
            let imageNetNames = classNames == "imagenet"
            let folders = try ClassFolders(root: root, classNamesFile: imageNetNames ? nil : classNames.map(CollectionSourceOptions.url))
            images = folders
            (promptNames, name) = (folders.classNames, root.lastPathComponent)
            if imageNetNames {
                let names = try ImageNetZeroShotMetadata.installed(language: ImageNetLanguage(named: language)!).classNames
                guard folders.classNames.count == names.count else {
                    throw ValidationError("--class-names imagenet needs the \(names.count) ImageNet class folders, found \(folders.classNames.count)")
                }
                promptNames = names
            }
        }
        let language = ImageNetLanguage(named: self.language)!
        let templateList = try templatesFile.map { try EmbedCommand.readLines($0) }
            ?? (customTemplates.isEmpty ? try ZeroShotTemplates.templates(named: templates, language: language) : customTemplates)
        let loaded = try modelOptions.load()
        let classifier = try ZeroShotClassifier(model: loaded, labels: promptNames, templates: templateList)
        let evaluation = ZeroShotEvaluation(model: loaded, classifier: classifier, batchSize: batchSize)
        let split = isFashionMNIST ? " \(self.split)" : ""
        let start = Date()
        let result = try evaluation.run(on: images, limit: limit, progress: ProgressBar.callback(label: "zero-shot \(dataset)\(split)"))
        for failure in result.unreadable.prefix(20) { note("skipped \(failure)") }
        if result.unreadable.count > 20 { note("… and \(result.unreadable.count - 20) more unreadable images") }
        let report = ClassificationReport(
            model: loaded.identity.name, dataset: "\(dataset)\(split)", accuracy: result.accuracy, classNames: images.classNames,
            promptNames: promptNames, templates: templateList, seconds: Date().timeIntervalSince(start))
        if let benchmarkJSON {
            let names = loaded.identity.benchmarkNames
            var benchmark = CLIPBenchmarkResult(classification: result.accuracy, dataset: datasetName ?? name, model: names.model,
                                                pretrained: names.pretrained)
            benchmark.language = language == .chinese ? "cn" : "en"  // CLIP_benchmark's language codes
            try benchmark.jsonData().write(to: CollectionSourceOptions.url(benchmarkJSON), options: .atomic)
        }
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
        if let json, json != "-" { print("report written to \(json)") }
        if let benchmarkJSON { print("CLIP_benchmark result written to \(benchmarkJSON)") }
    }
}
