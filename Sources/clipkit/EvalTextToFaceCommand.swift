import ArgumentParser
import CLIPKit
import Foundation
import Generation

/// `clipkit eval text2face`: attribute agreement (against a shuffled-caption control), FID and
/// LPIPS of trained text-to-face models on held-out captions.
struct EvalTextToFaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text2face",
        abstract: "Attribute agreement, FID and LPIPS of text2face runs on held-out people's captions.",
        discussion: """
            Every photo of the chosen people asks for one of its synthesised captions (caption \
            number photo mod 4); each --model renders it once (seeded). The captioner run's face \
            attribute classifier checks glasses, beard, male and smiling on every generated face \
            against the caption, beside a shuffled-caption control (the same faces against a random \
            permutation of the captions). FID (Inception-v3) compares the generated faces with the \
            real photos of the same people at the generator's size; LPIPS-alex pairs each generated \
            face with the photo whose caption asked for it. Images are written under --out.

            With --fashion-mnist the requests are the captions of the test items --items (caption \
            number item mod 4); the classifier checks the class, and tone and size are measured \
            exactly from the pixels (as the captions were made).

            --conditioning-mean renders every request with z = mu(s) (epsilon = 0) instead of a \
            draw around it; the noise maps stay those of the default.

            Examples:
              clipkit eval text2face --model runs/text2face-fashion-mapping --fashion-mnist /usr/share/datasets/fashion-mnist \\
                --items 1-500 --out runs/text2face-fashion-eval
              clipkit eval text2face --model runs/text2face-mapping --model runs/text2face-mapping-clip \\
                --captioner runs/text2face-captioner --data data/orl-faces --people 28-40 --out runs/text2face-eval
            """)

    @Option(name: .customLong("model"), help: ArgumentHelp("A text2face run folder; repeat for several.", valueName: "run"),
            completion: .directory)
    var models: [String] = []

    @Option(help: "The captioner run whose attribute classifier checks the faces (default: the first model's captioner).",
            completion: .directory)
    var captioner: String?

    @Option(help: "Person folders (one folder per person).", completion: .directory)
    var data: String?

    @Option(help: ArgumentHelp("Fashion-MNIST's idx folder: evaluate on its test items instead of --data's people.", valueName: "folder"),
            completion: .directory)
    var fashionMNIST: String?

    @Option(help: ArgumentHelp("With --fashion-mnist: the test items evaluated, FIRST-LAST by 1-based position.", valueName: "first-last"))
    var items = "1-1000"

    @Option(help: "The attribute table (default: attributes.csv in --data).", completion: .file())
    var attributes: String?

    @Option(help: ArgumentHelp("The people evaluated, FIRST-LAST by 1-based position in numeric order.", valueName: "first-last"))
    var people = "28-40"

    @Option(help: "Seed of ε, the noise maps and the control's permutation.")
    var seed: UInt64 = 0

    @Flag(help: "Render z = mu(s), the mean of conditioning augmentation's Gaussian, instead of z = mu(s) + sigma(s) * epsilon (epsilon = 0; default: drawn, as trained).")
    var conditioningMean = false

    @Flag(help: "Skip FID and LPIPS (attribute agreement only).")
    var noImageMetrics = false

    @Option(help: "Folder for the generated and real images.", completion: .directory)
    var out: String

    @OptionGroup var output: MetricReportOptions

    func validate() throws {
        _ = try parsePeopleRange(people, option: "--people")
        _ = try parsePeopleRange(items, option: "--items")
        guard !models.isEmpty else { throw ValidationError("give at least one --model") }
        guard (data == nil) != (fashionMNIST == nil) else { throw ValidationError("give either --data (person folders) or --fashion-mnist") }
    }

    func run() throws {
        let heldOut: TextToFaceEvaluation.HeldOut
        if let fashionMNIST {
            heldOut = .fashionMNIST(CollectionSourceOptions.url(fashionMNIST), items: try parsePeopleRange(items, option: "--items"))
        } else {
            let folders = CollectionSourceOptions.url(data ?? "")
            let table = attributes.map(CollectionSourceOptions.url) ?? folders.appendingPathComponent("attributes.csv")
            heldOut = .personFolders(folders, attributeTable: table, people: try parsePeopleRange(people, option: "--people"))
        }
        let modelURLs = models.map(CollectionSourceOptions.url)
        let captionerURL: URL
        if let captioner {
            captionerURL = CollectionSourceOptions.url(captioner)
        } else {
            let first = try TrainedTextToFace.load(from: modelURLs[0])
            guard let source = first.manifest.captionerSource else { throw ValidationError("give --captioner (the run names none)") }
            captionerURL = URL(fileURLWithPath: source, isDirectory: true)
        }
        let report = try TextToFaceEvaluation.evaluate(
            models: modelURLs, captioner: captionerURL, heldOut: heldOut, seed: seed, conditioningMean: conditioningMean,
            outputDirectory: CollectionSourceOptions.url(out),
            metrics: !noImageMetrics, progress: { line in if !output.quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) } })
        if try output.write(report) { return }
        print("held-out \(fashionMNIST == nil ? "people " : "")\(report.people): \(report.requests) captions; classifier \(report.classifier)")
        for model in report.models {
            print(String(format: "%@ (%@): attribute agreement %.4f vs shuffled captions %.4f%@%@; %.1f s", model.model, model.supervision,
                         model.agreement, model.shuffledAgreement, model.fid.map { String(format: ", FID %.2f", $0) } ?? "",
                         model.lpips.map { String(format: ", LPIPS %.4f", $0) } ?? "", model.seconds))
            for attribute in model.attributes {
                print(String(format: "  %@: %.4f vs %.4f (%d of %d requests ask for it)", attribute.attribute, attribute.agreement,
                             attribute.shuffledAgreement, attribute.requested, model.images))
            }
        }
    }
}
