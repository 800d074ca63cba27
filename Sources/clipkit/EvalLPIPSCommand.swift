import ArgumentParser
import CLIPKit
import Evaluation
import Foundation
import Models

/// `clipkit eval lpips`: LPIPS between two images, paired folders, or within one set (diversity).
struct EvalLPIPSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lpips",
        abstract: "LPIPS v0.1 perceptual distance: two images, paired folders, or the diversity of one folder.",
        discussion: """
            LPIPS v0.1 (Zhang et al. 2018) with AlexNet (default) or VGG16: unit-normalised ImageNet \
            features of five layers, squared differences weighted by the learned linear layers, averaged \
            over positions and summed over layers. Images are read as the lpips package reads them \
            (x/127.5 − 1); a pair must have one size. Two files give one distance; two folders give \
            the distance of every file present in both under the same relative path, and their mean; \
            --diversity gives the mean over every pair of one folder's images. The last line of \
            standard output is `LPIPS <value>`.

            Examples:
              clipkit eval lpips reference.png generated.png
              clipkit eval lpips real/ generated/ --network vgg --json lpips.json
              clipkit eval lpips --diversity samples/
            """)

    @Argument(help: ArgumentHelp("Two image files or two folders (one folder with --diversity).", valueName: "path"),
              completion: .file())
    var paths: [String]

    @Option(help: "Backbone: alex (the default LPIPS) or vgg.")
    var network: LPIPSBackbone.Kind = .alex

    @Flag(help: "Mean LPIPS over every pair of the folder's images.")
    var diversity = false

    @OptionGroup var output: MetricReportOptions

    struct Report: Codable {
        struct PairDistance: Codable {
            var first: String
            var second: String
            var distance: Double
        }
        var metric: String
        var network: String
        var summary: DistanceSummary
        var pairs: [PairDistance]?
        var unmatched: [String]?
    }

    func validate() throws {
        guard paths.count == (diversity ? 1 : 2) else {
            throw ValidationError(diversity ? "--diversity takes one folder" : "give two image files or two folders")
        }
    }

    func run() throws {
        let evaluation = try LPIPSEvaluation.installed(network)
        let metric = diversity ? "LPIPS diversity" : "LPIPS"
        let name = "LPIPS v0.1 \(network.rawValue)"
        let progress = output.progress(metric)
        let report: Report
        if diversity {
            let files = try ImageFiles.collectURLs(paths)
            report = Report(metric: metric, network: name, summary: try evaluation.diversity(of: files, progress: progress))
        } else {
            let (first, second) = (CollectionSourceOptions.url(paths[0]), CollectionSourceOptions.url(paths[1]))
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: first.path, isDirectory: &isFolder)
            let (pairs, unmatched) = isFolder.boolValue ? try LPIPSEvaluation.pairedFiles(first, second) : ([(first, second)], [])
            guard !pairs.isEmpty else { throw ValidationError("the folders share no file name (relative path)") }
            let distances = try evaluation.distances(pairs, progress: pairs.count > 1 ? progress : nil)
            report = Report(metric: metric, network: name, summary: try DistanceSummary(distances),
                            pairs: zip(pairs, distances).map { Report.PairDistance(first: $0.0.path, second: $0.1.path, distance: $1) },
                            unmatched: unmatched.isEmpty ? nil : unmatched)
            for path in unmatched.prefix(20) { note("no partner for \(path)") }
        }
        if try output.write(report) { return }
        let summary = report.summary
        if summary.count > 1 {
            print("\(name): \(summary.count) pairs, " + String(format: "std %.6f, min %.6f, max %.6f", summary.standardDeviation,
                                                                summary.minimum, summary.maximum))
        }
        print(String(format: "\(metric) %.6f", summary.mean))
    }
}

extension LPIPSBackbone.Kind: ExpressibleByArgument {}
