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
/// `samples` gives every s(i) (scikit-learn's `silhouette_samples`) with the cluster C′ that
/// attains b(i), and `byCluster` their mean per cluster: which clusters sit badly, and next to which.
public enum SilhouetteScore {
    /// One point's silhouette s(i) and its nearest other cluster (the label attaining b(i)).
    public struct Sample: Sendable, Equatable {
        public var value: Double
        public var nearestOtherCluster: Int
    }

    /// One cluster's points: their mean silhouette, and the other cluster nearest to most of them.
    public struct ClusterSummary: Sendable, Equatable {
        public var size: Int
        public var meanSilhouette: Double
        /// The label that attains b(i) for the most points of the cluster (the smallest label on a tie).
        public var nearestOtherCluster: Int
        /// The share of the cluster's points whose nearest other cluster is `nearestOtherCluster`.
        public var nearestOtherShare: Double
    }

    /// The mean silhouette of `points` `[N, D]` grouped by `labels`; needs 2 ≤ clusters < N.
    public static func mean(points: Tensor, labels: [Int]) throws -> Double {
        let values = try samples(points: points, labels: labels).map(\.value)
        return values.reduce(0, +) / Double(values.count)
    }

    /// Each cluster's summary, keyed by label; the size-weighted mean of `meanSilhouette` is `mean`.
    public static func byCluster(points: Tensor, labels: [Int]) throws -> [Int: ClusterSummary] {
        let all = try samples(points: points, labels: labels)
        var summaries: [Int: ClusterSummary] = [:]
        for cluster in Set(labels) {
            let members = labels.indices.filter { labels[$0] == cluster }.map { all[$0] }
            var counts: [Int: Int] = [:]
            for member in members { counts[member.nearestOtherCluster, default: 0] += 1 }
            let nearest = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
            summaries[cluster] = ClusterSummary(size: members.count, meanSilhouette: members.map(\.value).reduce(0, +) / Double(members.count),
                                                nearestOtherCluster: nearest.key, nearestOtherShare: Double(nearest.value) / Double(members.count))
        }
        return summaries
    }

    /// s(i) and the nearest other cluster of every point of `points` `[N, D]` grouped by `labels`,
    /// in row order; needs 2 ≤ clusters < N.
    public static func samples(points: Tensor, labels: [Int]) throws -> [Sample] {
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
        var result: [Sample] = []
        result.reserveCapacity(count)
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
            let nearest = clusters.indices.filter { $0 != own }.min { sums[$0] / Double(sizes[$0]) < sums[$1] / Double(sizes[$1]) }!
            guard sizes[own] > 1 else {
                result.append(Sample(value: 0, nearestOtherCluster: clusters[nearest]))
                continue
            }
            let a = sums[own] / Double(sizes[own] - 1), b = sums[nearest] / Double(sizes[nearest])
            result.append(Sample(value: (b - a) / max(a, b), nearestOtherCluster: clusters[nearest]))
        }
        return result
    }
}
