import Checkpoint
import Evaluation
import Foundation

/// FID statistics as pytorch-fid stores them (`--save-stats`): an `.npz` archive with `mu` `[d]` and
/// `sigma` `[d, d]` in Float64, so statistics computed here compare against references computed by
/// pytorch-fid, fid-helper-pytorch or torch-fidelity on the same Inception, and back.
public enum FIDStatisticsFile {
    /// The statistics in the `.npz` at `url`.
    public static func read(contentsOf url: URL) throws -> FeatureStatistics {
        let arrays = try NPZFile.read(contentsOf: url)
        guard let mean = arrays["mu"], let covariance = arrays["sigma"] else {
            throw CheckpointError.missingEntry(path: url.path, entry: arrays["mu"] == nil ? "mu.npy" : "sigma.npy")
        }
        let n = mean.count
        guard mean.shape == [n], covariance.shape == [n, n] else {
            throw EvaluationError.shapeMismatch(detail: "\(url.path): mu \(mean.shape) and sigma \(covariance.shape) are not [d] and [d, d]")
        }
        return try FeatureStatistics(mean: try mean.float64Values(path: url.path, part: "mu"),
                                     covariance: try covariance.float64Values(path: url.path, part: "sigma"))
    }

    /// Writes `statistics` as `mu` and `sigma`.
    public static func write(_ statistics: FeatureStatistics, to url: URL) throws {
        let n = statistics.dimension
        try NPZFile.write(["mu": NumPyArray(float64: statistics.mean, shape: [n]),
                           "sigma": NumPyArray(float64: statistics.covariance, shape: [n, n])], to: url)
    }
}
