import ArgumentParser
import CLIPKit
import Foundation

/// `clipkit eval inception-score` (alias `is`): the Inception Score of generated images, over EfficientNet-Lite0's classes.
struct EvalInceptionScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inception-score",
        abstract: "Inception Score over EfficientNet-Lite0's ImageNet classes: \"IS (EfficientNet-Lite0)\".",
        discussion: """
            IS = exp(E_x KL(p(y|x) ‖ p(y))) over 10 consecutive splits (p(y) each split's marginal), \
            reported as mean ± standard deviation. The standard IS reads p(y|x) from the ImageNet \
            Inception-v3; the FID TorchScript installed here has no classification layer, so p(y|x) \
            comes from the installed EfficientNet-Lite0 classifier and the score is labelled \
            "IS (EfficientNet-Lite0)": compare it only with itself, never with published IS values. \
            The last line of standard output is `IS (EfficientNet-Lite0) <mean> ± <std>`.

            Examples:
              clipkit eval inception-score generated/
              clipkit eval is generated/ --splits 5 --json is.json
            """,
        aliases: ["is"])

    @Argument(help: ArgumentHelp("Generated images: folders (searched recursively) or files.", valueName: "path"), completion: .file())
    var paths: [String]

    @Option(help: "Consecutive splits the score is averaged over.")
    var splits = 10

    @Option(help: "Images per forward pass.")
    var batchSize = 16

    @OptionGroup var output: MetricReportOptions

    func validate() throws {
        guard splits >= 1 else { throw ValidationError("--splits must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard !paths.isEmpty else { throw ValidationError("give the generated images (a folder or files)") }
    }

    func run() throws {
        let files = try ImageFiles.collectURLs(paths)
        let evaluation = try InceptionScoreEvaluation.installed(splits: splits, batchSize: batchSize)
        let report = try evaluation.evaluate(files, progress: output.progress(InceptionScoreEvaluation.metricName))
        for failure in report.unreadable.prefix(20) { note("skipped \(failure)") }
        if try output.write(report) { return }
        print("\(report.images) images, \(report.splits) splits, classifier \(report.classifier)")
        print(String(format: "\(report.metric) %.4f ± %.4f", report.mean, report.standardDeviation))
    }
}
