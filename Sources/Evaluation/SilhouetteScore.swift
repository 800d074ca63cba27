import Tensor

/// The mean silhouette of clustered points (Rousseeuw 1987, "Silhouettes: a graphical aid to the
/// interpretation and validation of cluster analysis"), with Euclidean distances as
/// scikit-learn's `silhouette_score`: for point i in cluster C,
///
///     a(i) = mean distance to the other points of C,  b(i) = min over clusters C′ ≠ C of the mean distance to C′,
///     s(i) = (b(i) − a(i)) / max(a(i), b(i)),  and 0 when C has one point,
///
/// averaged over all points; 1 means tight, well-separated clusters, 0 overlapping ones. SA-CLIP's
/// Fig. 4 shows whether embeddings of scenes cluster by spatial configuration; this is the number.
public enum SilhouetteScore {
    /// The mean silhouette of `points` `[N, D]` grouped by `labels`; needs 2 ≤ clusters < N.
    public static func mean(points: Tensor, labels: [Int]) throws -> Double {
        guard points.rank == 2, points.shape[0] == labels.count else {
            throw EvaluationError.shapeMismatch(detail: "points \(points.shape) for \(labels.count) labels")
        }
        let count = labels.count, width = points.shape[1]
        let clusters = Array(Set(labels)).sorted()
        guard clusters.count >= 2 && clusters.count < count else {
            throw EvaluationError.shapeMismatch(detail: "the silhouette needs between 2 and \(count - 1) clusters, got \(clusters.count)")
        }
        let values = points.scalars.map(Double.init)
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw EvaluationError.nonFinite(name: "points", row: bad / width) }
        let clusterIndex = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($0.element, $0.offset) })
        let sizes = clusters.map { cluster in labels.filter { $0 == cluster }.count }
        var total = 0.0
        var sums = [Double](repeating: 0, count: clusters.count)
        for i in 0..<count {
            for index in sums.indices { sums[index] = 0 }
            for j in 0..<count where j != i {
                var squared = 0.0
                for k in 0..<width {
                    let difference = values[i * width + k] - values[j * width + k]
                    squared += difference * difference
                }
                sums[clusterIndex[labels[j]]!] += squared.squareRoot()
            }
            let own = clusterIndex[labels[i]]!
            guard sizes[own] > 1 else { continue }
            let a = sums[own] / Double(sizes[own] - 1)
            let b = clusters.indices.filter { $0 != own }.map { sums[$0] / Double(sizes[$0]) }.min()!
            total += (b - a) / max(a, b)
        }
        return total / Double(count)
    }
}
