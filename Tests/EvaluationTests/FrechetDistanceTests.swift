import Checkpoint
import Evaluation
import Foundation
import Tensor
import TestSupport
import Testing

/// The Fréchet distance against fid-helper-pytorch's `compute_fid_score` (scipy's `sqrtm`) on
/// pytorch-fid style statistics files, the matrix square root against `scipy.linalg.sqrtm` on a
/// singular and an ill-conditioned covariance, and the streaming statistics against NumPy
/// (`scripts/fixtures/metrics.py`).
@Suite struct FrechetDistanceTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            let fid: Double
            let dimension: Int
        }
        let cases: [String: Case]
    }

    static func url(_ name: String) -> URL { TestPaths.fixture("metrics", "fid/\(name)") }

    static func statistics(_ name: String) throws -> FeatureStatistics {
        let arrays = try NPZFile.read(contentsOf: url("statistics/\(name).npz"))
        return try FeatureStatistics(mean: try #require(arrays["mu"]).float64Values(path: name),
                                     covariance: try #require(arrays["sigma"]).float64Values(path: name))
    }

    @Test(arguments: ["well_conditioned", "singular", "ill_conditioned", "wide"])
    func matchesScipyOnFixtureStatistics(name: String) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.url("statistics.json")))
        let expected = try #require(reference.cases[name])
        let (first, second) = (try Self.statistics("\(name)_a"), try Self.statistics("\(name)_b"))
        #expect(first.dimension == expected.dimension)
        let distance = try FrechetDistance(first, second)
        #expect(abs(distance.value - expected.fid) <= 1e-3 * abs(expected.fid), "\(name): \(distance.value) vs scipy \(expected.fid)")
        #expect(abs(distance.value - (distance.meanTerm + distance.covarianceTerm)) <= 1e-12 * abs(distance.value))
        // Symmetric in its arguments, as the definition is.
        let reversed = try FrechetDistance(second, first)
        #expect(abs(reversed.value - distance.value) <= 1e-6 * abs(distance.value))
    }

    @Test(arguments: ["well_conditioned_a", "singular_a", "ill_conditioned_a", "wide_a"])
    func distanceToItselfIsZero(name: String) throws {
        let statistics = try Self.statistics(name)
        let trace = (0..<statistics.dimension).reduce(0) { $0 + statistics.covariance[$1 * statistics.dimension + $1] }
        let distance = try FrechetDistance(statistics, statistics)
        // Rounding of tr(Σ) − tr((Σ^½ΣΣ^½)^½): an eigenvalue error of ε·λ_max² becomes √ε·λ_max
        // under the square root, so singular covariances reach ~1e-8 of the trace per dimension
        // (scipy's sqrtm: −3.7e-7 and −5.7e-6 on the singular and ill-conditioned files).
        #expect(abs(distance.value) <= 1e-6 * trace, "\(name): FID(x, x) = \(distance.value)")
        #expect(distance.meanTerm == 0)
    }

    @Test(arguments: ["singular", "ill_conditioned"])
    func squareRootMatchesScipy(name: String) throws {
        let arrays = try NPZFile.read(contentsOf: Self.url("sqrtm.npz"))
        let matrixArray = try #require(arrays[name]), expectedArray = try #require(arrays["\(name)_root"])
        let matrix = try matrixArray.float64Values(path: name), expected = try expectedArray.float64Values(path: name)
        let n = matrixArray.shape[0]
        let root = try SymmetricEigendecomposition.squareRoot(of: matrix, dimension: n)
        let scale = expected.map(abs).max()!
        let difference = zip(root, expected).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-6 * scale, "\(name): max |Δ| = \(difference) of \(scale)")
        // root · root = matrix.
        var squared = [Double](repeating: 0, count: n * n)
        for row in 0..<n { for column in 0..<n { for k in 0..<n { squared[row * n + column] += root[row * n + k] * root[k * n + column] } } }
        let matrixScale = matrix.map(abs).max()!
        #expect(zip(squared, matrix).map { abs($0 - $1) }.max()! <= 1e-9 * matrixScale)
    }

    @Test func eigendecompositionReconstructsItsMatrix() throws {
        let matrix: [Double] = [4, 1, 2, 1, 3, 0, 2, 0, 5]
        let decomposition = try SymmetricEigendecomposition(matrix, dimension: 3)
        #expect(decomposition.values == decomposition.values.sorted())
        let rebuilt = decomposition.applying { $0 }
        #expect(zip(rebuilt, matrix).allSatisfy { abs($0 - $1) < 1e-12 })
        let valuesOnly = try SymmetricEigendecomposition(matrix, dimension: 3, computingVectors: false)
        #expect(zip(valuesOnly.values, decomposition.values).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func streamingStatisticsMatchNumPy() throws {
        let features = try NPYFile.read(contentsOf: Self.url("features_64.npy"))  // [300, 64]
        let expected = try Self.statistics("features_64_statistics")
        var accumulator = FeatureStatisticsAccumulator()
        for start in stride(from: 0, to: 300, by: 70) {  // uneven batches
            try accumulator.add(features.slice(start..<min(start + 70, 300)))
        }
        let statistics = try accumulator.statistics()
        #expect(statistics.count == 300)
        #expect(zip(statistics.mean, expected.mean).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        let scale = expected.covariance.map(abs).max()!
        #expect(zip(statistics.covariance, expected.covariance).map { abs($0 - $1) }.max()! <= 1e-12 * scale)
        let whole = try FeatureStatistics(features: features)  // one batch: another shift, the same values to rounding
        #expect(zip(whole.covariance, statistics.covariance).map { abs($0 - $1) }.max()! <= 1e-12 * scale)
    }

    @Test func badStatisticsAreRefused() throws {
        #expect(throws: EvaluationError.tooFewSamples(name: "a covariance", count: 1, needed: 2)) {
            try FeatureStatistics(features: Tensor(shape: [1, 3], scalars: [1, 2, 3]))
        }
        #expect(throws: EvaluationError.self) { try FeatureStatistics(mean: [0, 0], covariance: [1, 2, 0, 1]) }
        #expect(throws: EvaluationError.self) { try FeatureStatistics(mean: [0, .nan], covariance: [1, 0, 0, 1]) }
        let a = try FeatureStatistics(mean: [0, 0], covariance: [1, 0, 0, 1])
        let b = try FeatureStatistics(mean: [0, 0, 0], covariance: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(throws: EvaluationError.self) { try FrechetDistance(a, b) }
        // Two unit Gaussians one unit apart: d² = 1.
        let shifted = try FeatureStatistics(mean: [1, 0], covariance: [1, 0, 0, 1])
        #expect(abs(try FrechetDistance(a, shifted).value - 1) < 1e-12)
    }
}
