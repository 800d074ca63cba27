import CBLAS
import Tensor

/// The mean μ and covariance Σ of a set of feature vectors, in Float64: what the Fréchet distance
/// compares (pytorch-fid's `.npz` files hold exactly `mu` and `sigma`). Σ is the unbiased sample
/// covariance, Σ = Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ/(n − 1), as `np.cov(features, rowvar=False)`.
public struct FeatureStatistics: Sendable, Equatable {
    /// μ, `dimension` values.
    public let mean: [Double]
    /// Σ, row-major `dimension × dimension`.
    public let covariance: [Double]
    /// Feature vectors the statistics were computed from (nil when read from a file that does not say).
    public let count: Int?

    public var dimension: Int { mean.count }

    /// Statistics given directly (e.g. read from an `.npz` file); Σ must be square and symmetric
    /// to rounding, every value finite.
    public init(mean: [Double], covariance: [Double], count: Int? = nil) throws {
        let n = mean.count
        guard n > 0 else { throw EvaluationError.empty(name: "the mean vector") }
        guard covariance.count == n * n else {
            throw EvaluationError.shapeMismatch(detail: "a covariance of \(covariance.count) values for \(n) features (needs \(n * n))")
        }
        guard mean.allSatisfy(\.isFinite) else { throw EvaluationError.nonFinite(name: "the mean", row: 0) }
        if let row = (0..<n).first(where: { row in (0..<n).contains { !covariance[row * n + $0].isFinite } }) {
            throw EvaluationError.nonFinite(name: "the covariance", row: row)
        }
        let scale = covariance.lazy.map(abs).max() ?? 0
        for row in 0..<n {
            for column in 0..<row where abs(covariance[row * n + column] - covariance[column * n + row]) > 1e-6 * max(scale, 1e-300) {
                throw EvaluationError.shapeMismatch(detail: "the covariance is not symmetric at (\(row), \(column))")
            }
        }
        self.mean = mean
        self.covariance = covariance
        self.count = count
    }

    /// The statistics of the rows of `features` `[count, dimension]`.
    public init(features: Tensor) throws {
        var accumulator = FeatureStatisticsAccumulator()
        try accumulator.add(features)
        self = try accumulator.statistics()
    }
}

/// Mean and covariance of feature vectors arriving in batches, without keeping them: sums of the
/// vectors and of their outer products in Float64, shifted by the first batch's mean (so large
/// means do not cancel the covariance's digits), Σ = (C − n·m·mᵀ)/(n − 1) with m the shifted mean.
public struct FeatureStatisticsAccumulator: Sendable {
    public private(set) var count = 0
    private var shift: [Double] = []
    private var sum: [Double] = []
    /// Σ (x − shift)(x − shift)ᵀ, upper triangle of a row-major matrix.
    private var comoment: [Double] = []

    public init() {}

    /// Adds the rows of `features` `[batch, dimension]`.
    public mutating func add(_ features: Tensor) throws {
        guard features.rank == 2, features.shape[0] > 0 else {
            throw EvaluationError.shapeMismatch(detail: "features must be [batch, dimension] with at least one row, got \(features.shape)")
        }
        let (rows, dimension) = (features.shape[0], features.shape[1])
        if count == 0 {
            shift = [Double](repeating: 0, count: dimension)
            for row in 0..<rows { for column in 0..<dimension { shift[column] += Double(features.pointer[row * dimension + column]) } }
            for column in 0..<dimension { shift[column] /= Double(rows) }
            sum = [Double](repeating: 0, count: dimension)
            comoment = [Double](repeating: 0, count: dimension * dimension)
        }
        guard dimension == shift.count else {
            throw EvaluationError.shapeMismatch(detail: "features of width \(dimension) after width \(shift.count)")
        }
        var centred = [Double](repeating: 0, count: rows * dimension)  // [batch, dimension]
        for row in 0..<rows {
            for column in 0..<dimension {
                let value = features.pointer[row * dimension + column]
                guard value.isFinite else { throw EvaluationError.nonFinite(name: "features", row: count + row) }
                let shifted = Double(value) - shift[column]
                centred[row * dimension + column] = shifted
                sum[column] += shifted
            }
        }
        // C += Yᵀ·Y (upper triangle).
        BLASThreads.shared {  // a steady thread count, hence a steady order of sums (`BLASThreads`)
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(dimension), Int32(rows), 1, centred, Int32(dimension),
                        1, &comoment, Int32(dimension))
        }
        count += rows
    }

    /// μ and the unbiased Σ of everything added; needs at least two vectors.
    public func statistics() throws -> FeatureStatistics {
        guard count >= 2 else { throw EvaluationError.tooFewSamples(name: "a covariance", count: count, needed: 2) }
        let n = shift.count, total = Double(count)
        let shiftedMean = sum.map { $0 / total }
        var covariance = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in row..<n {
                let value = (comoment[row * n + column] - total * shiftedMean[row] * shiftedMean[column]) / (total - 1)
                covariance[row * n + column] = value
                covariance[column * n + row] = value
            }
        }
        return try FeatureStatistics(mean: zip(shift, shiftedMean).map { $0 + $1 }, covariance: covariance, count: count)
    }
}
