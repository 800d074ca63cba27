import ArgumentParser
import CLIPKit
import Datasets
import Evaluation
import Foundation

/// `clipkit eval identity`: how well generated faces keep the reference person's identity.
struct EvalIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Identity similarity of generated faces to a person's real photos, with verification accuracy.",
        discussion: """
            Embeds the generated images and the reference person's real photos with a face embedder \
            that took no part in generation and reports the mean cosine over every (generated, \
            reference) pair. With --verification-faces (person folders, e.g. the ORL faces), a \
            threshold is fitted on balanced same/different pairs of the people chosen by \
            --verification-people (ORL's held-out s28–s40 by default), and the report adds that \
            threshold's verification accuracy on real pairs and the fraction of generated pairs it \
            verifies as the same person. The built-in embedder is EfficientNet-Lite0's ImageNet pool \
            features: no pretrained face-recognition network is installable here, so read its \
            verification accuracy before trusting the score. The last line of standard output is \
            `identity similarity <mean cosine>`. --embedder takes a face embedder trained here \
            instead: a Siamese triplet network saved by `clipkit train` (task triplet, 3 channels), \
            e.g. one trained on ORL's s1–s27 only (configs/orl-face-triplet.json).

            Examples:
              clipkit eval identity generated/s3 orl-faces/s3 --verification-faces orl-faces
              clipkit eval identity generated/s30 orl-faces/s30 --embedder runs/orl-face-triplet/model.safetensors \\
                --verification-faces orl-faces
            """)

    @Argument(help: ArgumentHelp("Generated faces: a folder or files.", valueName: "generated"), completion: .file())
    var generated: String

    @Argument(help: ArgumentHelp("The person's real photos: a folder or files.", valueName: "reference"), completion: .file())
    var reference: String

    @Option(help: ArgumentHelp("Person folders (one folder per person) for fitting the verification threshold.", valueName: "folder"),
            completion: .directory)
    var verificationFaces: String?

    @Option(help: ArgumentHelp("The people of --verification-faces used, FIRST-LAST by 1-based position in numeric order.",
                               valueName: "first-last"))
    var verificationPeople = "28-40"

    @Option(help: ArgumentHelp("A triplet network saved by `clipkit train` (task triplet): model.safetensors or its run folder. "
                               + "Default: EfficientNet-Lite0's ImageNet pool features.", valueName: "path"),
            completion: .file())
    var embedder: String?

    @Option(help: "Images per forward pass.")
    var batchSize = 16

    @OptionGroup var output: MetricReportOptions

    func peopleRange() throws -> Range<Int> { try parsePeopleRange(verificationPeople, option: "--verification-people") }

    func validate() throws {
        _ = try peopleRange()
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let evaluation = IdentityEvaluation(embedder: try FaceEmbedder.named(embedder), batchSize: batchSize)
        var threshold: (VerificationThreshold, pairs: Int, people: String)?
        if let verificationFaces {
            let people = try PersonFolders(root: CollectionSourceOptions.url(verificationFaces))
            let range = try peopleRange()
            guard range.upperBound <= people.people.count else {
                throw ValidationError("\(verificationFaces) has \(people.people.count) people; --verification-people \(verificationPeople) asks for more")
            }
            let fitted = try evaluation.verificationThreshold(people: people, range: range,
                                                              progress: output.progress("verification faces"))
            let names = "\(people.people[range.lowerBound].name)–\(people.people[range.upperBound - 1].name) of \(verificationFaces)"
            threshold = (fitted.threshold, fitted.pairs, names)
        }
        let report = try evaluation.evaluate(generated: try ImageFiles.collectURLs([generated]), references: try ImageFiles.collectURLs([reference]),
                                             threshold: threshold, progress: output.progress("identity"))
        for failure in report.unreadable.prefix(20) { note("skipped \(failure)") }
        if try output.write(report) { return }
        print("embedder: \(report.embedder)")
        print("\(report.generated) generated × \(report.references) reference images")
        if let verification = report.verification {
            print(String(format: "verification on %@: %d balanced pairs, threshold %.4f, accuracy %.2f%%, AUC %.4f",
                         verification.people, verification.pairs, verification.threshold, 100 * verification.accuracy,
                         verification.areaUnderCurve))
        }
        if let verified = report.verifiedFraction { print(String(format: "generated pairs verified as the person: %.2f%%", 100 * verified)) }
        print(String(format: "identity similarity %.6f", report.meanCosine))
    }
}
