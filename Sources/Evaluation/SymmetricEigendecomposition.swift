import CBLAS
import Tensor

/// The eigendecomposition of a real symmetric matrix, A = V·diag(λ)·Vᵀ, in Float64, by LAPACK's
/// divide-and-conquer `dsyevd` (through OpenBLAS): eigenvalues ascending, eigenvectors orthonormal.
/// The building block of matrix functions of covariances (`SymmetricMatrix.squareRoot`, the trace
/// term of the Fréchet distance).
public struct SymmetricEigendecomposition: Sendable {
    /// Eigenvalues λ, ascending.
    public let values: [Double]
    /// Eigenvectors as the columns of an n×n row-major matrix: `vectors[row * n + column]` is
    /// component `row` of eigenvector `column`.
    public let vectors: [Double]
    public let dimension: Int

    /// Decomposes the symmetric n×n row-major `matrix` (only its lower triangle is read); without
    /// `computingVectors` only the eigenvalues are found (`vectors` is empty), which is cheaper.
    public init(_ matrix: [Double], dimension n: Int, computingVectors: Bool = true) throws {
        precondition(n > 0 && matrix.count == n * n, "a \(n)×\(n) matrix needs \(n * n) values, got \(matrix.count)")
        guard matrix.allSatisfy(\.isFinite) else { throw EvaluationError.nonFinite(name: "the symmetric matrix", row: 0) }
        // Row-major lower = column-major upper: ask LAPACK for 'U' on the same memory.
        var work = matrix
        var values = [Double](repeating: 0, count: n)
        var size = Int32(n), info: Int32 = 0
        var jobz = CChar(UInt8(ascii: computingVectors ? "V" : "N")), uplo = CChar(UInt8(ascii: "U"))
        var workSize: Int32 = -1, integerWorkSize: Int32 = -1
        var optimalWork = 0.0, optimalIntegerWork: Int32 = 0
        dsyevd_(&jobz, &uplo, &size, &work, &size, &values, &optimalWork, &workSize, &optimalIntegerWork, &integerWorkSize,
                &info, 1, 1)
        guard info == 0 else { throw EvaluationError.linearAlgebra(routine: "dsyevd (workspace query)", code: Int(info)) }
        workSize = Int32(optimalWork)
        integerWorkSize = optimalIntegerWork
        var workspace = [Double](repeating: 0, count: Int(workSize))
        var integerWorkspace = [Int32](repeating: 0, count: Int(integerWorkSize))
        // Under BLAS's shared lock, so a concurrent single-threaded section cannot change OpenBLAS's
        // thread count (hence the order of the sums) midway (`BLASThreads`).
        BLASThreads.shared {
            dsyevd_(&jobz, &uplo, &size, &work, &size, &values, &workspace, &workSize, &integerWorkspace, &integerWorkSize,
                    &info, 1, 1)
        }
        guard info == 0 else { throw EvaluationError.linearAlgebra(routine: "dsyevd", code: Int(info)) }
        // LAPACK's column-major eigenvectors are the rows of `work`; transpose to columns.
        var vectors = [Double](repeating: 0, count: computingVectors ? n * n : 0)
        if computingVectors {
            for column in 0..<n { for row in 0..<n { vectors[row * n + column] = work[column * n + row] } }
        }
        self.values = values
        self.vectors = vectors
        dimension = n
    }

    /// The principal square root of a symmetric positive semi-definite matrix, V·diag(√max(λ, 0))·Vᵀ
    /// (eigenvalues below zero are rounding and become 0), row-major n×n. Stable for singular and
    /// ill-conditioned covariances, where the Schur method of `scipy.linalg.sqrtm` may lose digits.
    public static func squareRoot(of matrix: [Double], dimension: Int) throws -> [Double] {
        try SymmetricEigendecomposition(matrix, dimension: dimension).applying { $0 > 0 ? $0.squareRoot() : 0 }
    }

    /// V·diag(f(λ))·Vᵀ as a row-major n×n matrix.
    public func applying(_ function: (Double) -> Double) -> [Double] {
        precondition(!vectors.isEmpty, "the decomposition was computed without eigenvectors")
        let n = dimension
        var scaled = vectors  // V·diag(f(λ)): column j scaled by f(λ_j)
        let factors = values.map(function)
        for row in 0..<n { for column in 0..<n { scaled[row * n + column] *= factors[column] } }
        var result = [Double](repeating: 0, count: n * n)
        BLASThreads.shared {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(n), 1, scaled, Int32(n), vectors, Int32(n),
                        0, &result, Int32(n))
        }
        return result
    }
}
