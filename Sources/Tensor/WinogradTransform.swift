/// The three matrices of Winograd's minimal filtering F(m, r) (Winograd 1980; for convolutional
/// networks Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural Networks"), built by the
/// Toom–Cook construction from α − 1 finite interpolation points and the point at infinity,
/// α = m + r − 1:
///
///     y = Aᵀ [(G g) ⊙ (Bᵀ d)]                   1-D: m outputs of an r-tap correlation of α inputs
///     Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A            2-D: an m×m output tile from an α×α input tile
///
/// with the evaluation matrices E_g `[α, r]` and E_a `[α, m]` (row j = 1, p_j, p_j², …; the row
/// of ∞ picks the leading coefficient), Aᵀ = E_aᵀ, G = E_g, Bᵀ = (V⁻¹)ᵀ for the α×α evaluation
/// matrix V of polynomials of degree α − 1. Each row of Bᵀ is scaled to a largest entry of 1 and
/// the scale moved into G's row, so the data transform stays in the range of the data. An m×m
/// tile costs α² products instead of m²r².
public struct WinogradTransform: Sendable, Equatable {
    /// m, outputs per tile side.
    public let outputTile: Int
    /// r, the kernel side.
    public let kernelSize: Int
    /// Bᵀ `[α, α]`, row-major.
    let dataTransform: [Float]
    /// G `[α, r]`, row-major.
    let kernelTransform: [Float]
    /// Aᵀ `[m, α]`, row-major.
    let outputTransform: [Float]

    /// α = m + r − 1, inputs per tile side.
    public var inputTile: Int { outputTile + kernelSize - 1 }

    /// F(m, r) from `points` (α − 1 distinct finite points; ∞ is added).
    public init(outputTile m: Int, kernelSize r: Int, points: [Double]) {
        let alpha = m + r - 1
        precondition(m >= 1 && r >= 1 && points.count == alpha - 1 && Set(points).count == points.count,
                     "Winograd F(\(m), \(r)) needs \(alpha - 1) distinct finite points, got \(points)")
        (outputTile, kernelSize) = (m, r)
        // Row j of an evaluation matrix with `columns` coefficients: powers of p_j, or the leading coefficient at ∞.
        func evaluation(_ columns: Int) -> [[Double]] {
            (0..<alpha).map { row in
                (0..<columns).map { power in
                    row < alpha - 1 ? Self.power(points[row], power) : (power == columns - 1 ? 1 : 0)
                }
            }
        }
        let interpolation = Self.inverse(evaluation(alpha))  // V⁻¹ [α, α]
        var data = (0..<alpha).map { row in (0..<alpha).map { column in interpolation[column][row] } }  // Bᵀ = (V⁻¹)ᵀ
        var kernel = evaluation(r)                                                                   // G
        for row in 0..<alpha {
            let scale = data[row].map(abs).max()!
            data[row] = data[row].map { $0 / scale }
            kernel[row] = kernel[row].map { $0 * scale }
        }
        let outputs = evaluation(m)                                                                  // E_a; Aᵀ = E_aᵀ
        dataTransform = data.flatMap { $0.map(Float.init) }
        kernelTransform = kernel.flatMap { $0.map(Float.init) }
        outputTransform = (0..<m).flatMap { row in (0..<alpha).map { Float(outputs[$0][row]) } }
    }

    /// The interpolation points, in the order they are taken: 0, ±1, ±2 (Lavin & Gray's), then ±½.
    public static let standardPoints: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5]

    /// F(m, r) on the first m + r − 2 `standardPoints` and ∞.
    public static func standard(outputTile m: Int, kernelSize r: Int) -> WinogradTransform {
        precondition(m + r - 2 <= standardPoints.count, "F(\(m), \(r)) needs more than \(standardPoints.count) standard points")
        return WinogradTransform(outputTile: m, kernelSize: r, points: Array(standardPoints.prefix(m + r - 2)))
    }

    /// The tile sizes offered for an r×r kernel: m ∈ 2 … min(4, 8 − r), so α = m + r − 1 ≤ 7 (larger
    /// tiles need points beyond ±2 and round too much in Float32). F(2…4, 3), F(2…3, 5).
    public static func offeredTiles(kernelSize r: Int) -> ClosedRange<Int>? {
        r >= 2 && 8 - r >= 2 ? 2...Swift.min(4, 8 - r) : nil
    }

    /// The offered F(m, r) with the fewest products on an outputHeight × outputWidth map,
    /// α²·⌈H/m⌉·⌈W/m⌉ (ties go to the smaller tile, whose transforms round less): F(3, 3) for
    /// AlexNet's 3×3 maps (one tile), F(4, 3) for large maps; nil when no tile is offered for r.
    public static func fewestProducts(kernelSize r: Int, outputHeight: Int, outputWidth: Int) -> WinogradTransform? {
        guard let tiles = offeredTiles(kernelSize: r) else { return nil }
        let products = { (m: Int) in (m + r - 1) * (m + r - 1) * ((outputHeight + m - 1) / m) * ((outputWidth + m - 1) / m) }
        return standard(outputTile: tiles.min { products($0) < products($1) }!, kernelSize: r)
    }

    /// The transform a channel-major inference convolution uses (`Conv2d.inferChannelMajor`, the
    /// FID Inception's units): a fitting geometry (`fits`) with at least `minimumChannels` input
    /// channels and an offered tile for its kernel, else nil (one im2col matrix product).
    public static func forInference(_ geometry: Convolution2DGeometry, inChannels: Int, height: Int, width: Int) -> WinogradTransform? {
        guard inChannels >= minimumChannels, fits(geometry) else { return nil }
        let (outputHeight, outputWidth) = geometry.outputSize(height: height, width: width)
        return fewestProducts(kernelSize: geometry.kernelHeight, outputHeight: outputHeight, outputWidth: outputWidth)
    }

    /// Below this many input channels the transforms cost more than the products they save.
    public static let minimumChannels = 16

    /// Whether a convolution is the stride-1, undilated, square-kernel kind Winograd's filtering computes.
    public static func fits(_ geometry: Convolution2DGeometry) -> Bool {
        geometry.kernelHeight == geometry.kernelWidth && geometry.strideHeight == 1
            && geometry.strideWidth == 1 && geometry.dilationHeight == 1 && geometry.dilationWidth == 1
    }

    /// Bᵀ[row, column], G[row, column], Aᵀ[row, column] (for tests and inspection).
    public func dataTransformEntry(_ row: Int, _ column: Int) -> Float { dataTransform[row * inputTile + column] }
    public func kernelTransformEntry(_ row: Int, _ column: Int) -> Float { kernelTransform[row * kernelSize + column] }
    public func outputTransformEntry(_ row: Int, _ column: Int) -> Float { outputTransform[row * inputTile + column] }

    static func power(_ base: Double, _ exponent: Int) -> Double {
        (0..<exponent).reduce(1) { product, _ in product * base }
    }

    /// The inverse of a small square matrix by Gauss–Jordan elimination with partial pivoting.
    static func inverse(_ matrix: [[Double]]) -> [[Double]] {
        let size = matrix.count
        var left = matrix
        var right = (0..<size).map { row in (0..<size).map { $0 == row ? 1.0 : 0.0 } }
        for column in 0..<size {
            let pivot = (column..<size).max { abs(left[$0][column]) < abs(left[$1][column]) }!
            precondition(left[pivot][column] != 0, "Winograd: singular evaluation matrix")
            left.swapAt(column, pivot)
            right.swapAt(column, pivot)
            let divisor = left[column][column]
            left[column] = left[column].map { $0 / divisor }
            right[column] = right[column].map { $0 / divisor }
            for row in 0..<size where row != column {
                let factor = left[row][column]
                if factor == 0 { continue }
                for index in 0..<size {
                    left[row][index] -= factor * left[column][index]
                    right[row][index] -= factor * right[column][index]
                }
            }
        }
        return right
    }
}
