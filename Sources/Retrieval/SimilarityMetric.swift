/// How a query is scored against a database vector; higher is more similar in both cases.
public enum SimilarityMetric: String, Codable, Sendable, CaseIterable {
    /// q · x. Equals cosine similarity for unit vectors (what the `Indexer` stores by default).
    case innerProduct = "inner_product"
    /// q · x / (‖q‖ ‖x‖): both sides are normalised to unit length first.
    case cosine
}
