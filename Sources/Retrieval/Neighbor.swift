/// One search hit: a database row (or a faiss id) and its similarity score.
public struct Neighbor: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Row index in the searched matrix (`ExactIndex`) or the vector's id (`ApproximateIndex`).
    public var index: Int
    /// Similarity; higher is closer.
    public var score: Float

    public init(index: Int, score: Float) {
        self.index = index
        self.score = score
    }

    public var description: String { "\(index): \(score)" }
}

/// The top-k neighbours of each query, best first, as two row-major `[queryCount, k]` arrays.
public struct SearchResults: Sendable, Equatable {
    public let queryCount: Int
    public let k: Int
    /// Row indices or ids, best first per query; -1 marks a slot an approximate index left empty.
    public let indices: [Int]
    /// Scores aligned with `indices`.
    public let scores: [Float]

    public init(queryCount: Int, k: Int, indices: [Int], scores: [Float]) {
        precondition(indices.count == queryCount * k && scores.count == queryCount * k, "results must be [queryCount, k]")
        self.queryCount = queryCount
        self.k = k
        self.indices = indices
        self.scores = scores
    }

    /// The neighbours of query `query`, best first, without empty slots.
    public func neighbors(ofQuery query: Int) -> [Neighbor] {
        (query * k..<(query + 1) * k).compactMap { slot in
            indices[slot] < 0 ? nil : Neighbor(index: indices[slot], score: scores[slot])
        }
    }

    /// The neighbour indices of query `query`, best first, without empty slots.
    public func indices(ofQuery query: Int) -> [Int] {
        indices[query * k..<(query + 1) * k].filter { $0 >= 0 }
    }
}
