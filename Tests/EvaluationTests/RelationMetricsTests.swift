import Checkpoint
import Evaluation
import Tensor
import TestSupport
import Testing

/// ROC-AUC, the silhouette score and exact t-SNE against scikit-learn (fixture group
/// `relation_metrics`), and worked cases.
@Suite struct RelationMetricsTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("relation_metrics", "relation_metrics.safetensors")) }
    func tensor(_ name: String) throws -> Tensor { try Self.fixture.get().tensor(named: name) }

    @Test func rocAUCMatchesScikitLearnWithTies() throws {
        let labels = try tensor("auc.labels").scalars.map { $0 == 1 }
        let scores = try tensor("auc.scores").scalars.map(Double.init)
        let expected = Double(try tensor("auc.value").scalars[0])
        #expect(abs(try ROCAUC.area(scores: scores, labels: labels) - expected) < 1e-6)
        // By hand: positives {0.9, 0.5}, negatives {0.5, 0.1}: pairs won 1 + 1 + 0.5 + 1 of 4.
        #expect(try ROCAUC.area(scores: [0.9, 0.5, 0.5, 0.1], labels: [true, true, false, false]) == 0.875)
        #expect(throws: EvaluationError.empty(name: "the negative examples")) { try ROCAUC.area(scores: [1, 2], labels: [true, true]) }
        #expect(throws: EvaluationError.nonFinite(name: "scores", row: 1)) { try ROCAUC.area(scores: [1, .nan], labels: [true, false]) }
    }

    @Test func silhouetteMatchesScikitLearn() throws {
        let labels = try tensor("silhouette.labels").scalars.map { Int($0) }
        let expected = Double(try tensor("silhouette.value").scalars[0])
        #expect(abs(try SilhouetteScore.mean(points: tensor("silhouette.points"), labels: labels) - expected) < 1e-5)
        #expect(throws: EvaluationError.self) { try SilhouetteScore.mean(points: Tensor(shape: [3, 1], scalars: [0, 1, 2]), labels: [0, 0, 0]) }
    }

    /// s(i) per point as scikit-learn's `silhouette_samples` (0 for the singleton cluster 3), the
    /// cluster attaining b(i) as NumPy finds it, and per cluster their mean and the majority nearest cluster.
    @Test func silhouetteSamplesAndClustersMatchScikitLearn() throws {
        let points = try tensor("silhouette.points"), labels = try tensor("silhouette.labels").scalars.map { Int($0) }
        let expected = try tensor("silhouette.samples").scalars.map(Double.init)
        let nearest = try tensor("silhouette.nearest").scalars.map { Int($0) }
        let samples = try SilhouetteScore.samples(points: points, labels: labels)
        #expect(samples.count == 30)
        for (sample, (value, other)) in zip(samples, zip(expected, nearest)) {
            #expect(abs(sample.value - value) < 1e-5 && sample.nearestOtherCluster == other)
        }
        #expect(samples[29].value == 0 && samples[29].nearestOtherCluster == 1)
        let clusters = try SilhouetteScore.byCluster(points: points, labels: labels)
        #expect(clusters.keys.sorted() == [0, 1, 2, 3])
        // Nearest clusters by point (fixture): cluster 0 → 2 ×6, 1 ×3, 3 ×1; cluster 1 → 3 ×7; cluster 2 → 3 ×10, 0 ×2; cluster 3 → 1.
        #expect(clusters[0]?.size == 10 && clusters[0]?.nearestOtherCluster == 2 && clusters[0]?.nearestOtherShare == 0.6)
        #expect(clusters[1]?.size == 7 && clusters[1]?.nearestOtherCluster == 3 && clusters[1]?.nearestOtherShare == 1)
        #expect(clusters[2]?.size == 12 && clusters[2]?.nearestOtherCluster == 3 && abs((clusters[2]?.nearestOtherShare ?? 0) - 10.0 / 12) < 1e-12)
        #expect(clusters[3]?.size == 1 && clusters[3]?.meanSilhouette == 0 && clusters[3]?.nearestOtherCluster == 1)
        for (cluster, range) in [(0, 0..<10), (1, 10..<17), (2, 17..<29)] {
            let mean = expected[range].reduce(0, +) / Double(range.count)
            #expect(abs(clusters[cluster]!.meanSilhouette - mean) < 1e-5)
        }
        // The size-weighted mean of the clusters' means is the overall mean.
        let weighted = clusters.values.map { Double($0.size) * $0.meanSilhouette }.reduce(0, +) / 30
        #expect(abs(weighted - Double(try tensor("silhouette.value").scalars[0])) < 1e-5)
    }

    /// From scikit-learn's initial embedding the exact t-SNE ends at (nearly) its KL divergence.
    @Test func exactTSNEReachesScikitLearnsKLDivergence() throws {
        let reference = Double(try tensor("tsne.kl").scalars[0])
        let result = try TSNE(perplexity: 15).embed(try tensor("tsne.data"), initial: try tensor("tsne.init"))
        print("t-SNE KL \(result.klDivergence) vs scikit-learn \(reference) after \(result.iterations) iterations")
        #expect(abs(result.klDivergence - reference) <= 0.05 * reference + 1e-3)
        #expect(result.iterations == Int(try tensor("tsne.iterations").scalars[0]) + 1)
        let labels = try tensor("tsne.labels").scalars.map { Int($0) }
        #expect(try SilhouetteScore.mean(points: result.embedding, labels: labels) > 0.9)
        // Seeded: the same seed, the same embedding.
        let small = try tensor("tsne.data")
        let first = try TSNE(perplexity: 10, maximumIterations: 300).embed(small, seed: 4)
        let second = try TSNE(perplexity: 10, maximumIterations: 300).embed(small, seed: 4)
        #expect(first.embedding.scalars == second.embedding.scalars && first.klDivergence == second.klDivergence)
    }
}
