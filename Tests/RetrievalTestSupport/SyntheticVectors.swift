import Tensor

/// Synthetic embeddings for search tests (no model involved).
public enum SyntheticVectors {
    /// `count` unit vectors shaped like real embeddings: a low intrinsic dimension. Points are
    /// Gaussian clusters in an `intrinsicDimension`-dimensional latent space, mapped linearly into
    /// `dimension` dimensions with a little isotropic noise, then normalised. The clusters and the
    /// map come from `layoutSeed`, so sets drawn with different `seed`s share them (queries and database).
    public static func clustered(count: Int, dimension: Int, clusters: Int, intrinsicDimension: Int = 10,
                                 layoutSeed: UInt64 = 5, seed: UInt64) -> Tensor {
        var layout = SeededGenerator(seed: layoutSeed)
        let centres = (0..<clusters).map { _ in (0..<intrinsicDimension).map { _ in 2 * layout.nextNormal() } }
        let map = (0..<intrinsicDimension).map { _ in (0..<dimension).map { _ in layout.nextNormal() } }
        var generator = SeededGenerator(seed: seed)
        var scalars: [Float] = []
        scalars.reserveCapacity(count * dimension)
        for _ in 0..<count {
            let centre = centres[Int(generator.next() % UInt64(clusters))]
            let latent = centre.map { $0 + generator.nextNormal() }
            var point = (0..<dimension).map { _ in 0.05 * generator.nextNormal() }
            for (axis, value) in latent.enumerated() {
                for column in 0..<dimension { point[column] += value * map[axis][column] }
            }
            scalars += unit(point)
        }
        return Tensor(shape: [count, dimension], scalars: scalars)
    }

    /// `count` random unit vectors.
    public static func uniformUnit(count: Int, dimension: Int, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        var scalars: [Float] = []
        scalars.reserveCapacity(count * dimension)
        for _ in 0..<count { scalars += unit((0..<dimension).map { _ in generator.nextNormal() }) }
        return Tensor(shape: [count, dimension], scalars: scalars)
    }

    public static func unit(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// Row `row` of a matrix as an array.
    public static func row(_ matrix: Tensor, _ row: Int) -> [Float] {
        let width = matrix.shape[1]
        return Array(UnsafeBufferPointer(start: matrix.pointer + row * width, count: width))
    }
}
