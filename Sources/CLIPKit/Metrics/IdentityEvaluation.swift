import Datasets
import Evaluation
import Foundation
import Models
import Tensor

/// Identity similarity of generated faces (`IdentitySimilarity`): each generated image against the
/// reference person's real photos under a `FaceEmbedder`, with a `VerificationThreshold` fitted on
/// balanced real pairs (`VerificationPairs`) of people neither the generator nor the embedder was
/// trained on (person folders, e.g. the ORL faces' held-out s28–s40), so the score comes with the
/// embedder's own verification accuracy and the fraction of generated pairs it verifies.
public struct IdentityEvaluation {
    public let embedder: FaceEmbedder
    public var batchSize: Int

    public init(embedder: FaceEmbedder, batchSize: Int = 16) {
        self.embedder = embedder
        self.batchSize = batchSize
    }

    /// The threshold fitted on the photos of `people[range]` (every genuine pair, as many impostor pairs).
    public func verificationThreshold(people: PersonFolders, range: Range<Int>,
                                      progress: ((Int, Int) -> Void)? = nil) throws -> (threshold: VerificationThreshold, pairs: Int) {
        let (images, _) = people.images(of: range)
        let files = images.map { people.root.appendingPathComponent($0.path) }
        let result = try embedder.embeddings(of: files, batchSize: batchSize, progress: progress)
        if let first = result.unreadable.first { throw DatasetError.unreadable(path: first.path, reason: first.reason) }
        let labels = images.map(\.label)
        let pairs = try VerificationPairs(labels: labels).pairs
        let similarities = try CosineSimilarities(result.embeddings, result.embeddings)
        let threshold = try VerificationThreshold(scores: pairs.map { similarities[$0.first, $0.second] },
                                                  sameIdentity: pairs.map(\.sameIdentity))
        return (threshold, pairs.count)
    }

    /// What `clipkit eval identity` reports.
    public struct Report: Codable, Sendable {
        public struct Verification: Codable, Sendable {
            public var people: String
            public var pairs: Int
            public var threshold: Double
            public var accuracy: Double
            public var areaUnderCurve: Double

            enum CodingKeys: String, CodingKey { case people, pairs, threshold, accuracy, areaUnderCurve = "auc" }
        }
        public var metric = "identity similarity (mean cosine)"
        public var embedder: String
        public var meanCosine: Double
        public var verifiedFraction: Double?
        public var verification: Verification?
        public var generated: Int
        public var references: Int
        public var unreadable: [String]

        enum CodingKeys: String, CodingKey {
            case metric, embedder, meanCosine = "mean_cosine", verifiedFraction = "verified_fraction", verification, generated
            case references, unreadable
        }
    }

    /// Scores `generated` against `references` (the person's real photos).
    public func evaluate(generated: [URL], references: [URL], threshold: (VerificationThreshold, pairs: Int, people: String)? = nil,
                         progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        let total = generated.count + references.count
        let first = try embedder.embeddings(of: generated, batchSize: batchSize) { done, _ in progress?(done, total) }
        let second = try embedder.embeddings(of: references, batchSize: batchSize) { done, _ in progress?(generated.count + done, total) }
        guard !first.embedded.isEmpty else { throw EvaluationError.empty(name: "the readable generated images") }
        guard !second.embedded.isEmpty else { throw EvaluationError.empty(name: "the readable reference photos") }
        let similarity = try IdentitySimilarity(generated: first.embeddings, references: second.embeddings, threshold: threshold?.0)
        let verification = threshold.map { threshold, pairs, people in
            Report.Verification(people: people, pairs: pairs, threshold: threshold.threshold, accuracy: threshold.accuracy,
                                areaUnderCurve: threshold.areaUnderCurve)
        }
        return Report(embedder: embedder.name, meanCosine: similarity.meanCosine, verifiedFraction: similarity.verifiedFraction,
                      verification: verification, generated: first.embedded.count, references: second.embedded.count,
                      unreadable: (first.unreadable + second.unreadable).map(\.description))
    }
}
