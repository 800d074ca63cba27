import CBLAS
import Tensor

/// The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, "GANs
/// Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium"; the
/// image-prompting paper's Eq. 4, the text-to-face paper's Eq. 11); with FID Inception pool
/// features it is the FID:
///
///     d² = ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁Σ₂)^½)
///
/// tr((Σ₁Σ₂)^½) = Σᵢ √λᵢ(Σ₁^½ Σ₂ Σ₁^½): Σ₁Σ₂ is similar to the symmetric positive semi-definite
/// Σ₁^½Σ₂Σ₁^½, so two symmetric eigendecompositions (LAPACK `dsyevd`) replace the general matrix
/// square root (`scipy.linalg.sqrtm`'s Schur method, which pytorch-fid and fid-helper-pytorch use
/// and which turns complex or loses digits on singular covariances). Eigenvalues below zero are
/// rounding and count as 0.
public struct FrechetDistance: Sendable, Equatable {
    /// d², the FID when the statistics are of FID Inception features.
    public let value: Double
    /// ‖μ₁ − μ₂‖².
    public let meanTerm: Double
    /// tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁Σ₂)^½).
    public let covarianceTerm: Double

    public init(_ first: FeatureStatistics, _ second: FeatureStatistics) throws {
        guard first.dimension == second.dimension else {
            throw EvaluationError.shapeMismatch(detail: "statistics of \(first.dimension) and \(second.dimension) features")
        }
        let n = first.dimension
        meanTerm = zip(first.mean, second.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let root = try SymmetricEigendecomposition.squareRoot(of: first.covariance, dimension: n)  // Σ₁^½
        var product = [Double](repeating: 0, count: n * n), sandwich = product
        BLASThreads.shared {  // a steady thread count, hence a steady order of sums (`BLASThreads`)
            cblas_dsymm(CblasRowMajor, CblasLeft, CblasUpper, Int32(n), Int32(n), 1, root, Int32(n), second.covariance, Int32(n),
                        0, &product, Int32(n))                                                                // Σ₁^½·Σ₂
            cblas_dsymm(CblasRowMajor, CblasRight, CblasUpper, Int32(n), Int32(n), 1, root, Int32(n), product, Int32(n),
                        0, &sandwich, Int32(n))                                                               // Σ₁^½·Σ₂·Σ₁^½
        }
        for row in 0..<n {
            for column in 0..<row {
                let average = (sandwich[row * n + column] + sandwich[column * n + row]) / 2
                sandwich[row * n + column] = average
                sandwich[column * n + row] = average
            }
        }
        let eigenvalues = try SymmetricEigendecomposition(sandwich, dimension: n, computingVectors: false).values
        let traceOfRoot = eigenvalues.reduce(0) { $0 + ($1 > 0 ? $1.squareRoot() : 0) }
        let traces = (0..<n).reduce(0) { $0 + first.covariance[$1 * n + $1] + second.covariance[$1 * n + $1] }
        covarianceTerm = traces - 2 * traceOfRoot
        value = meanTerm + covarianceTerm
    }
}
