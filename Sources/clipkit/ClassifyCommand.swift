import ArgumentParser
import FileSystem
import CLIPKit
import Foundation
import Imaging
import Models
import Tensor

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label images: zero-shot with any image–text model, or with the ImageNet classifier.",
        discussion: """
            Zero-shot (CLIP, §3.1.4 of Radford et al. 2021): every label is put into each --template, \
            the prompts' text embeddings are averaged per label, and an image's probabilities are \
            softmax(logit scale × cosine similarity). --labels imagenet uses the 1000 ImageNet class \
            names and, unless templates are given, OpenAI's 80 ImageNet prompt templates.
            Without --labels, the EfficientNet-Lite0 ImageNet classifier labels the images directly.

            Examples:
              clipkit classify photos/*.jpg --labels "cat,dog,rocket"
              clipkit classify cat.png --labels cat,dog --template "a photo of a {}." --template "a drawing of a {}."
              clipkit classify cat.png --labels imagenet --model openai/clip-vit-base-patch32 --top 3
              clipkit classify cat.png --labels imagenet --language zh --model clip_cn_vit-b-16.pt   # cn_clip's Chinese names and templates
              clipkit classify photos/*.jpg --top 3            # EfficientNet-Lite0's ImageNet classes
            """)

    @Argument(help: "Image files or folders (JPEG, PNG, WebP).", completion: .file())
    var images: [String]

    /// `--model efficientnet-lite0` (the default without --labels) is the ImageNet classifier.
    @OptionGroup var modelOptions: ModelOptionGroup

    @Option(help: ArgumentHelp("Comma-separated labels for zero-shot classification, or \"imagenet\".", valueName: "labels"))
    var labels: String?

    @Option(help: ArgumentHelp("A file with one label per line (instead of --labels).", valueName: "file"))
    var labelsFile: String?

    @Option(name: .customLong("template"),
            help: ArgumentHelp("Prompt template with {} for the label; repeat to ensemble. Default: \"a photo of a {}.\"",
                               valueName: "template"))
    var templates: [String] = []

    @Option(help: ArgumentHelp("Language of --labels imagenet and of the default template: en (open_clip's names and "
                                 + "templates) or zh (cn_clip's Chinese ones, for Chinese-CLIP models).", valueName: "language"))
    var language = "en"

    @Option(help: "How many labels to show per image.")
    var top = 5

    @Flag(help: "Print one JSON object per image instead of text.")
    var json = false

    @Option(help: "Images per forward pass.")
    var batchSize = 8

    static let imageNetClassifier = "efficientnet-lite0"

    var isZeroShot: Bool { labels != nil || labelsFile != nil }

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard labels == nil || labelsFile == nil else { throw ValidationError("give --labels or --labels-file, not both") }
        guard ImageNetLanguage(named: language) != nil else { throw ValidationError("--language must be en or zh, got \(language)") }
        if !isZeroShot {
            guard (modelOptions.model ?? Self.imageNetClassifier) == Self.imageNetClassifier else {
                throw ValidationError("\(modelOptions.model!) is an image–text model: give the classes with --labels \"cat,dog\" (or --labels imagenet)")
            }
            guard templates.isEmpty else { throw ValidationError("--template needs --labels") }
        } else if modelOptions.model == Self.imageNetClassifier {
            throw ValidationError("\(Self.imageNetClassifier) only knows its 1000 ImageNet classes: drop --labels, or pick an image–text model")
        }
    }

    func run() throws {
        let files = try ImageFiles.collect(images)
        if isZeroShot { try classifyZeroShot(files) } else { try classifyImageNet(files) }
    }

    func classifyZeroShot(_ files: [FileSystemPath]) throws {
        let loaded = try modelOptions.load()
        var names: [String], prompts = templates
        let language = ImageNetLanguage(named: self.language)!
        if labels == "imagenet" {
            let metadata = try ImageNetZeroShotMetadata.installed(language: language)
            names = metadata.classNames
            if prompts.isEmpty { prompts = metadata.openAITemplates.map { $0.filled(with: ZeroShotClassifier.placeholder) } }
        } else if let labelsFile {
            names = try EmbedCommand.readLines(labelsFile).map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            names = labels!.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard !names.isEmpty else { throw ValidationError("no labels given") }
        if prompts.isEmpty { prompts = try ZeroShotTemplates.templates(named: "photo", language: language) }
        let classifier = try ZeroShotClassifier(model: loaded, labels: names, templates: prompts)
        let embedded = try loaded.embed(imageFiles: files, batchSize: batchSize, progress: ProgressBar.callback(label: "classifying"))
        for failure in embedded.unreadable { FileHandle.standardError.write(Data("skipped \(failure)\n".utf8)) }
        let probabilities = classifier.probabilities(imageEmbeddings: embedded.embeddings)
        try report(paths: embedded.embeddedPaths.map(\.escapedText), probabilities: probabilities, names: names)
    }

    func classifyImageNet(_ files: [FileSystemPath]) throws {
        let classification = try ImageFileClassification.installedImageNetClassifier()
        let names = try ImageNetZeroShotMetadata.installed().classNames
        let result = classification.classify(imageFiles: files, batchSize: batchSize, progress: ProgressBar.callback(label: "classifying"))
        for failure in result.unreadable { FileHandle.standardError.write(Data("skipped \(failure)\n".utf8)) }
        try report(paths: result.classified.map(\.escapedText), probabilities: result.probabilities, names: names)
    }

    /// One line (or JSON object) per image with its `top` most probable labels.
    func report(paths: [String], probabilities: Tensor, names: [String]) throws {
        for (row, path) in paths.enumerated() {
            let scores = probabilities[row].scalars
            let best = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(top)
            if json {
                let labels = best.map { ["label": names[$0], "class": $0, "probability": Double(scores[$0])] as [String: Any] }
                let data = try JSONSerialization.data(withJSONObject: ["image": path, "top": labels], options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let text = best.map { String(format: "%@ %.3f", names[$0], scores[$0]) }.joined(separator: ", ")
                print("\((path as NSString).lastPathComponent): \(text)")
            }
        }
    }
}
